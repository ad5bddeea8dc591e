"""The spare-parts desk in a real browser: a unit from the field goes to the vendor
(RMA), the 3-day milestone is completed with a note, and the return is recorded."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from spares.models import MilestoneKind, Rma, RmaStatus, Vendor
from staff import roles
from tests.factories import ProductUnitFactory, UserFactory
from tickets import services
from tickets.choices import Status
from tickets.models import Ticket

PASSWORD = "pass-word-123"


@pytest.fixture
def field_unit(transactional_db):
    agent = UserFactory(username="agent.e2e", roles=[roles.AGENT])
    dispatcher = UserFactory(username="dispatcher.e2e", roles=[roles.DISPATCHER])
    engineer = UserFactory(username="engineer.e2e", roles=[roles.ONSITE_ENGINEER])
    desk = UserFactory(username="spares.e2e", first_name="Huang", last_name="Min", roles=[roles.SPARES_ADMIN])
    unit = ProductUnitFactory(customer__name="Harbor Logistics")
    now = timezone.now()
    ticket = services.create_ticket(by=agent, now=now - timedelta(hours=2), customer=unit.customer, unit=unit,
                                    channel="phone", category="repair", service_type="onsite",
                                    fault_description="Main board dead")
    services.assign_ticket(ticket, engineer, by=dispatcher, now=now - timedelta(hours=1))
    services.arrive(ticket, by=engineer, now=now - timedelta(minutes=30))
    Vendor.objects.create(code="ACME", name="Acme Imaging Repairs")
    return desk, ticket


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_spares_desk_sends_a_unit_to_the_vendor_and_records_its_return(live_server, browser_page, field_unit,
                                                                         screenshot):
    desk, ticket = field_unit
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", desk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    # The unit arrives at the desk from the field: open the RMA.
    page.goto(f"{live_server.url}/spares/rma/")
    form = page.locator("#rma-create")
    form.locator("input[name=ticket]").fill(ticket.number)
    form.locator("select[name=vendor]").select_option(label="Acme Imaging Repairs")
    form.locator("textarea[name=reason]").fill("Main board fails the power-on test")
    form.get_by_role("button", name="Open RMA").click()
    expect(page.locator("h1")).to_have_text(Rma.objects.get().number)  # sequences are not reset on PostgreSQL
    screenshot("opened")

    # Shipped with carrier and tracking number: the ticket goes to the vendor.
    ship = page.locator("#rma-ship")
    ship.locator("input[name=carrier]").fill("SF Express")
    ship.locator("input[name=tracking_number]").fill("SF1029384756")
    ship.get_by_role("button", name="Shipped").click()
    expect(page.locator("#milestone-receipt")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.AT_VENDOR

    # Day 3: the vendor confirms receipt.
    receipt = page.locator("#milestone-receipt")
    receipt.locator("input[name=note]").fill("Vendor confirms receipt; fault matches our record")
    receipt.get_by_role("button", name="Done").click()
    expect(page.locator("#milestone-receipt")).to_contain_text("fault matches our record")
    screenshot("receipt-confirmed")

    # The unit is back.
    back = page.locator("#rma-return")
    back.locator("textarea[name=note]").fill("Board replaced by the vendor")
    back.get_by_role("button", name="Record the return").click()
    expect(page.locator(".page-head .badge").first).to_have_text("Returned")
    screenshot("returned")

    rma = Rma.objects.get()
    assert rma.status == RmaStatus.RETURNED and rma.carrier == "SF Express"
    assert rma.milestones.get(kind=MilestoneKind.RECEIPT).completed_at is not None
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    expect(page.locator("#ticket-spares")).to_contain_text(rma.number)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ticket_page_send_to_vendor_opens_the_rma(live_server, browser_page, field_unit, screenshot):
    """The ticket's own "Send to vendor" opens the RMA (vendor, reason; shipped at once
    with carrier and tracking number), and the RMA's return moves the ticket on."""
    desk, ticket = field_unit
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", desk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    action = page.locator("#action-send_to_vendor")
    action.locator("summary").click()
    action.locator("select[name=send_to_vendor-vendor]").select_option(label="Acme Imaging Repairs")
    action.locator("textarea[name=send_to_vendor-reason]").fill("Main board fails the power-on test")
    action.locator("input[name=send_to_vendor-carrier]").fill("SF Express")
    action.locator("input[name=send_to_vendor-tracking_number]").fill("SF55")
    action.get_by_role("button", name="Send to vendor").click()
    rma = Rma.objects.get()
    expect(page.locator("#ticket-spares")).to_contain_text(rma.number)
    screenshot("sent-from-ticket")
    assert (rma.status, rma.tracking_number) == (RmaStatus.SHIPPED, "SF55")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.AT_VENDOR
    assert rma.milestones.count() == 5

    page.locator("#action-unit_back summary").click()
    page.locator("#action-unit_back").get_by_role("button", name="Unit back from vendor").click()
    expect(page.locator("#ticket-spares")).to_contain_text("Returned")
    assert Rma.objects.get().status == RmaStatus.RETURNED
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_engineer_completes_with_a_part_from_the_picker_loaded_when_opened(live_server, browser_page, field_unit):
    """The completion form's part and van pickers come empty with the page and fill when
    the form is opened (lazy-options.js, issue 12); the chosen part is issued."""
    from spares import services as spares_services
    from spares.models import Part, StockMove, Warehouse, WarehouseKind

    desk, ticket = field_unit
    engineer = Ticket.objects.get(pk=ticket.pk).assignee
    part = Part.objects.create(part_number="FAN-9", name="Fan", unit_cost="12.50")
    van = Warehouse.objects.create(code="VAN-7", name="Van 7", kind=WarehouseKind.VAN, engineer=engineer)
    spares_services.receive_stock(part=part, warehouse=van, quantity=2, by=desk, now=timezone.now())
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", engineer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    form = page.locator("#action-complete")
    expect(form.locator("select[name=complete-part_1] option")).to_have_count(1)  # only the empty choice
    form.locator("summary").click()
    form.locator("select[name=complete-part_1]").select_option(label="FAN-9 Fan")
    form.locator("select[name=complete-warehouse_1]").select_option(label="VAN-7 Van 7")
    form.locator("select[name=complete-outcome]").select_option("repaired")
    form.locator("textarea[name=complete-work_done]").fill("Fan swapped")
    form.locator("input[name=complete-customer_confirmation]").fill("Mr. Zhou")
    form.get_by_role("button", name="Complete").click()
    page.wait_for_url("**/tickets/mine/")  # done: on to the next job
    assert StockMove.objects.filter(ticket=ticket, part=part, from_warehouse=van).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.COMPLETED
