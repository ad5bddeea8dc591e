"""A call agent logs a repair call end to end in a real browser."""
import pytest
from playwright.sync_api import expect

from staff import roles
from tests.factories import CustomerPhoneFactory, ProductUnitFactory, UserFactory
from tickets.models import Ticket

PASSWORD = "pass-word-123"


@pytest.fixture
def call_data(transactional_db):
    agent = UserFactory(username="agent.e2e", first_name="Li", last_name="Na", roles=[roles.AGENT])
    unit = ProductUnitFactory(serial_number="SN-E2E-0001", customer__name="Zhou Min")
    CustomerPhoneFactory(customer=unit.customer, raw="138 0013 8000")
    return agent, unit


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_agent_logs_a_repair_call(live_server, browser_page, screenshot, call_data):
    agent, unit = call_data
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/new/")
    screenshot("intake")

    page.locator("#customer-search").press_sequentially("1380013", delay=30)
    result = page.locator("#search-results .result").first
    expect(result).to_contain_text("Zhou Min")
    screenshot("search-results")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    unit_choice = page.locator(f"#customer-panel input[name=unit][value='{unit.pk}']")
    expect(unit_choice).to_be_visible()
    unit_choice.check()
    expect(page.locator("#warranty-panel")).to_contain_text("In warranty")
    page.fill("textarea[name=fault_description]", "Drum does not turn; loud noise at start")
    screenshot("filled")
    page.get_by_role("button", name="Create ticket").click()

    page.wait_for_url("**/tickets/SR-*/")
    ticket = Ticket.objects.get()
    expect(page.locator("h1")).to_have_text(ticket.number)
    expect(page.locator(".ticket-head .badge.status-new")).to_have_text("New")
    assert ticket.unit_id == unit.pk and ticket.customer_id == unit.customer_id
    screenshot("ticket")

    page.get_by_role("link", name="Tickets", exact=True).click()
    expect(page.locator("#ticket-table")).to_contain_text(ticket.number)
    screenshot("list")
