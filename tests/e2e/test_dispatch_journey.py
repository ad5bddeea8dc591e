"""Call → board → onsite completion in a real browser, with SLA outcomes recorded."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.services import profile_for
from staff import roles
from tests.factories import ProductUnitFactory, UserFactory
from tickets import services
from tickets.models import ClockKind, SlaClock, Ticket

PASSWORD = "pass-word-123"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def board_data(transactional_db):
    agent = UserFactory(username="agent.e2e", roles=[roles.AGENT])
    dispatcher = UserFactory(username="dispatcher.e2e", first_name="Wang", last_name="Fang", roles=[roles.DISPATCHER])
    engineer = UserFactory(username="engineer.e2e", first_name="Zhang", last_name="Wei",
                           roles=[roles.ONSITE_ENGINEER])
    unit = ProductUnitFactory(customer__name="Harbor Logistics")
    profile_for(engineer).product_lines.add(unit.model.product_line)  # fits without an override
    ticket = services.create_ticket(by=agent, now=timezone.now() - timedelta(minutes=10), customer=unit.customer,
                                    unit=unit, channel="phone", category="repair", service_type="onsite",
                                    priority="critical", fault_description="Paper jam on every page")
    return dispatcher, engineer, ticket


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dispatcher_assigns_on_board_and_engineer_completes(live_server, browser, board_data, screenshot,
                                                            browser_page):
    dispatcher, engineer, ticket = board_data
    page = browser_page
    sign_in(page, live_server.url, dispatcher.username)
    page.goto(f"{live_server.url}/dispatch/")
    card = page.locator(f".qcard[data-ticket='{ticket.number}']")
    expect(card).to_be_visible()
    screenshot("board")
    card.drag_to(page.locator(f".lane[data-engineer='{engineer.pk}']"))
    lane = page.locator(f".lane[data-engineer='{engineer.pk}']")
    expect(lane).to_contain_text("1 open job")
    lane.locator("summary").click()  # the lane's jobs load when opened
    expect(lane.locator(".lane-jobs a", has_text=ticket.number)).to_be_visible()
    expect(page.locator(f".qcard[data-ticket='{ticket.number}']")).to_have_count(0)
    screenshot("assigned")
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == engineer.pk

    # The engineer, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    sign_in(phone, live_server.url, engineer.username)
    phone.goto(f"{live_server.url}/tickets/mine/")
    job = phone.locator("article.job", has_text=ticket.number)
    expect(job).to_be_visible()
    job.get_by_role("button", name="Arrived").click()
    expect(phone.locator("article.job", has_text=ticket.number).locator(".badge.status-in_progress")).to_be_visible()
    phone.locator("article.job", has_text=ticket.number).get_by_role("link", name="Complete…").click()
    form = phone.locator("#action-complete")
    expect(form).to_have_attribute("open", "")
    form.locator("select[name=complete-outcome]").select_option("repaired")
    form.locator("textarea[name=complete-work_done]").fill("Replaced pickup roller")
    form.locator("input[name=complete-customer_confirmation]").fill("Mr. Zhou")
    form.get_by_role("button", name="Complete").click()
    # Issue 7 item 13: after completing, the engineer is back on My jobs (the done job gone).
    phone.wait_for_url("**/tickets/mine/")
    expect(phone.locator("article.job", has_text=ticket.number)).to_have_count(0)
    ticket.refresh_from_db()
    assert ticket.status == "completed"
    phone.screenshot(path=str(screenshot("unused").parent / "engineer-completed.png"), full_page=True)

    # The ticket page shows the clocks as met.
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    clocks = page.locator(".sla-clocks")
    for kind in ("response", "completion", "arrival"):
        expect(clocks.locator(f"tr.clock-{kind} .badge.clock-met")).to_be_visible()
    screenshot("clocks")
    outcomes = dict(SlaClock.objects.filter(ticket=ticket).values_list("kind", "outcome"))
    assert outcomes[ClockKind.RESPONSE] == outcomes[ClockKind.COMPLETION] == outcomes[ClockKind.ARRIVAL] == "met"
    phone.context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reassigning_to_an_off_duty_engineer_needs_an_override(live_server, board_data, screenshot, browser_page):
    """Issue 7 item 8: the one picker on the page opens for the job, preselects nobody,
    refuses an off-duty engineer until an override reason is given, and records it."""
    dispatcher, engineer, ticket = board_data
    services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
    resting = UserFactory(username="engineer2.e2e", first_name="Li", last_name="Na", roles=[roles.ONSITE_ENGINEER])
    profile = profile_for(resting)
    profile.product_lines.add(ticket.unit.model.product_line)
    profile.status = "off_duty"
    profile.save()
    page = browser_page
    sign_in(page, live_server.url, dispatcher.username)
    page.goto(f"{live_server.url}/dispatch/")
    lane = page.locator(f".lane[data-engineer='{engineer.pk}']")
    lane.locator("summary").click()
    lane.get_by_role("link", name="Reassign…").click()
    dialog = page.locator("dialog#picker")
    expect(dialog).to_be_visible()
    engineer_select = dialog.get_by_label("New engineer")
    expect(engineer_select).to_have_value("")
    engineer_select.select_option(str(resting.pk))
    dialog.get_by_label("Reason", exact=True).fill("Customer asked for Li Na")
    dialog.get_by_role("button", name="Move").click()
    expect(dialog.locator("[role=alert]")).to_contain_text("is off duty")
    screenshot("override-asked")
    dialog.get_by_label("Override reason").fill("Li Na agreed to come in for this one")
    dialog.get_by_role("button", name="Move").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-body .msg.success")).to_contain_text("reassigned")
    screenshot("reassigned")
    ticket.refresh_from_db()
    assert ticket.assignee_id == resting.pk
    assert ticket.events.filter(data__override=["off_duty"]).exists()
