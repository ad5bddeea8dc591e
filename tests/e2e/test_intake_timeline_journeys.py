"""Issue 7 journeys in Chromium: intake with a duplicate warning (and the phone typed in
the search box filling a new customer), a Chinese reader's timeline with the English
sweep's events translated, and the customer page on a 390 px phone."""
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from staff import roles
from tests.e2e.conftest import ARTIFACTS
from tests.factories import CustomerPhoneFactory, ProductUnitFactory, UserFactory
from tickets import escalations, services
from tickets.models import Ticket

PASSWORD = "pass-word-123"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def call_data(transactional_db):
    agent = UserFactory(username="agent.e2e", first_name="Li", last_name="Na", roles=[roles.AGENT])
    unit = ProductUnitFactory(serial_number="SN-E2E-0007", customer__name="Zhou Min")
    CustomerPhoneFactory(customer=unit.customer, raw="138 0013 8000")
    return agent, unit


def _pick_customer(page, base):
    page.goto(f"{base}/tickets/new/")
    page.locator("#customer-search").press_sequentially("1380013", delay=30)
    expect(page.locator("#search-results .result").first).to_contain_text("Zhou Min")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_intake_warns_before_a_second_open_ticket_for_the_unit(live_server, browser_page, screenshot, call_data):
    agent, unit = call_data
    page = browser_page
    sign_in(page, live_server.url, agent.username)

    _pick_customer(page, live_server.url)
    unit_choice = page.locator(f"#customer-panel input[name=unit][value='{unit.pk}']")
    expect(unit_choice).to_be_checked()  # a sole unit is preselected for a repair ...
    page.select_option("select[name=category]", "inquiry")
    expect(unit_choice).not_to_be_checked()  # ... but not for an inquiry
    page.select_option("select[name=category]", "repair")
    unit_choice.check()
    page.fill("textarea[name=fault_description]", "Drum does not turn")
    page.get_by_role("button", name="Create ticket").click()
    page.wait_for_url("**/tickets/SR-*/")
    first = Ticket.objects.get()

    _pick_customer(page, live_server.url)
    expect(unit_choice).to_be_checked()
    page.fill("textarea[name=fault_description]", "Door seal leaks")
    page.get_by_role("button", name="Create ticket").click()
    warning = page.locator("#open-ticket-warning")
    expect(warning).to_contain_text(first.number)
    expect(warning.get_by_role("link", name=f"Open {first.number}")).to_have_attribute(
        "href", first.get_absolute_url())
    screenshot("duplicate-warning")
    assert Ticket.objects.count() == 1

    page.fill("textarea[name=duplicate_reason]", "Second fault: the door seal, not the drum")
    page.get_by_role("button", name="Create ticket").click()
    page.wait_for_url("**/tickets/SR-*/")
    second = Ticket.objects.exclude(pk=first.pk).get()
    expect(page.locator(".timeline")).to_contain_text(f"Created although {first.number} is open for the same unit")
    expect(page.locator(".timeline")).to_contain_text("Second fault: the door seal")
    screenshot("second-ticket")
    assert second.unit_id == unit.pk


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_phone_fills_the_new_customer_and_a_known_phone_is_refused(live_server, browser_page, screenshot,
                                                                          call_data):
    agent, unit = call_data
    page = browser_page
    sign_in(page, live_server.url, agent.username)
    page.goto(f"{live_server.url}/tickets/new/")
    page.locator("#customer-search").press_sequentially("139 5555 0101", delay=20)
    expect(page.locator("#search-results")).to_contain_text("No customer matches")
    expect(page.locator("#id_nc-phones")).to_have_value("139 5555 0101")
    screenshot("phone-filled")

    page.fill("#id_nc-phones", "138 0013 8000")  # Zhou Min's number
    page.fill("#id_nc-name", "Zhou M.")
    page.select_option("select[name=category]", "inquiry")
    page.select_option("select[name=service_type]", "remote")
    page.get_by_role("button", name="Create ticket").click()
    notice = page.locator("#phone-on-file")
    expect(notice).to_contain_text("Zhou Min")
    screenshot("phone-on-file")
    notice.get_by_role("link", name="Take the call for Zhou Min").click()
    expect(page.locator("#customer-panel .chosen-name")).to_have_text("Zhou Min")
    assert not Ticket.objects.exists()


@pytest.fixture
def swept_ticket(transactional_db):
    supervisor = UserFactory(username="supervisor.e2e", roles=[roles.SUPERVISOR])
    agent = UserFactory(username="agent2.e2e", roles=[roles.AGENT])
    unit = ProductUnitFactory(customer__name="Harbor Logistics")
    ticket = services.create_ticket(by=agent, now=timezone.now() - timedelta(days=3), customer=unit.customer,
                                    unit=unit, channel="phone", category="repair", service_type="onsite",
                                    fault_description="Paper jam")
    with translation.override("en"):  # the sweep's worker writes in English
        escalations.sweep(now=timezone.now())
    return supervisor, ticket


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chinese_reader_sees_the_sweeps_events_in_chinese(live_server, browser, swept_ticket):
    supervisor, ticket = swept_ticket
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, supervisor.username)
        page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
        timeline = page.locator(".timeline")
        expect(timeline).to_contain_text(f"一级升级：{ticket.number} 的响应时限")
        expect(timeline).to_contain_text(f"二级升级：{ticket.number} 的响应时限")
        expect(timeline).to_contain_text("系统")
        expect(timeline).not_to_contain_text("Level 1")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "zh-timeline.png"), full_page=True)
        page.goto(f"{live_server.url}/staff/inbox/")
        expect(page.locator(".inbox")).to_contain_text("一级升级")
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_customer_page_has_no_sideways_scroll_on_a_phone(live_server, browser, call_data):
    agent, unit = call_data
    for _ in range(2):
        services.create_ticket(by=agent, now=timezone.now(), customer=unit.customer, unit=unit, channel="phone",
                               category="repair", service_type="onsite", duplicate_reason="several faults")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, agent.username)
        page.goto(f"{live_server.url}{unit.customer.get_absolute_url()}")
        expect(page.locator("h1")).to_contain_text("Zhou Min")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "customer-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
