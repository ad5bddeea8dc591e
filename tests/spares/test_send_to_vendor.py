"""Every path that sends a unit to a vendor opens an RMA (issue 9 item 4): the ticket
page's action, the ticket API's action (tests/tickets/test_api_actions.py), the RMA desk.
Its milestones run; the repair-completion clock stays paused while the unit is away, and
the RMA's return moves the ticket on."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from spares import services, sweep
from spares.models import MilestoneKind, Rma, RmaMilestone, RmaStatus
from tickets import escalations, services as ticket_services
from tickets.choices import Status
from tickets.exceptions import TransitionNotAllowed
from tickets.models import ClockKind, SlaClock, Ticket
from tickets.services.work import move_to_vendor

from .conftest import VendorFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def sh(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def working(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(11, 2, 9))
    ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=sh(11, 2, 9, 5))
    return ticket_services.start_work(ticket, by=engineer, now=sh(11, 2, 9, 30))


def _action(client, ticket, **data):
    return client.post(reverse("tickets:ticket_action", args=[ticket.number, "send_to_vendor"]),
                       {f"send_to_vendor-{k}": v for k, v in data.items()})


def test_ticket_page_send_to_vendor_opens_the_rma_with_its_ship_clock(client, spares_admin, working):
    vendor = VendorFactory(name="Acme Repairs")
    client.force_login(spares_admin)
    page = client.get(working.get_absolute_url()).content.decode()
    assert 'name="send_to_vendor-vendor"' in page and "Acme Repairs" in page
    assert _action(client, working, reason="").status_code == 400
    half = _action(client, working, vendor=vendor.pk, reason="Board dead", carrier="SF")
    assert half.status_code == 400 and not Rma.objects.exists()
    assert _action(client, working, vendor=vendor.pk, reason="Board dead").status_code == 302
    rma = Rma.objects.get(ticket=working)
    assert (rma.vendor, rma.reason, rma.status) == (vendor, "Board dead", RmaStatus.AWAITING_SHIPMENT)
    assert Ticket.objects.get(pk=working.pk).status == Status.AT_VENDOR
    assert list(RmaMilestone.objects.filter(rma=rma).values_list("kind", flat=True)) == [MilestoneKind.SHIPPED]
    # The desk ships it later from the RMA page; then the follow-ups run.
    services.ship_rma(rma, carrier="SF", tracking_number="SF9", by=spares_admin, now=rma.received_at)
    assert RmaMilestone.objects.filter(rma=rma).count() == 5
    assert working.events.filter(data__text="rma_opened", message="Board dead").exists()


def test_page_send_with_carrier_ships_at_once(client, spares_admin, working):
    vendor = VendorFactory()
    client.force_login(spares_admin)
    _action(client, working, vendor=vendor.pk, reason="Board dead", carrier="SF", tracking_number="SF1")
    rma = Rma.objects.get(ticket=working)
    assert (rma.status, rma.carrier, rma.tracking_number) == (RmaStatus.SHIPPED, "SF", "SF1")
    assert RmaMilestone.objects.get(rma=rma, kind=MilestoneKind.SHIPPED).completed_at is not None


def test_no_path_moves_a_unit_to_a_vendor_without_an_rma(spares_admin, working):
    with pytest.raises(TransitionNotAllowed, match="RMA"):
        move_to_vendor(working, rma=None, by=spares_admin, now=sh(11, 2, 11))
    with pytest.raises(TypeError):
        ticket_services.send_to_vendor(working, by=spares_admin, now=sh(11, 2, 11))  # vendor and reason required
    assert Ticket.objects.get(pk=working.pk).status == Status.IN_PROGRESS


def test_refused_send_leaves_no_rma(engineer, agent, working):
    vendor = VendorFactory()
    with pytest.raises(ticket_services.PermissionDenied):
        ticket_services.send_to_vendor(working, vendor=vendor, reason="x", by=agent, now=sh(11, 2, 11))
    with pytest.raises(ticket_services.InvalidInput):
        ticket_services.send_to_vendor(working, vendor=vendor, reason=" ", by=engineer, now=sh(11, 2, 11))
    assert not Rma.objects.exists() and Ticket.objects.get(pk=working.pk).status == Status.IN_PROGRESS


def test_completion_clock_is_paused_at_the_vendor_and_the_rma_return_moves_the_ticket_on(
        spares_admin, engineer, working, supervisor):
    vendor = VendorFactory()
    ticket_services.send_to_vendor(working, vendor=vendor, reason="Board dead", carrier="SF", tracking_number="1",
                                   by=engineer, now=sh(11, 2, 11))
    completion = SlaClock.objects.get(ticket=working, kind=ClockKind.COMPLETION)
    assert completion.stopped_at == sh(11, 2, 11) and completion.next_due_at is None
    # Three weeks at the vendor: the SLA sweep raises nothing on the completion clock;
    # the RMA sweep raises the missed receipt / day-7 / day-15 milestones instead.
    for day in range(3, 24):
        escalations.sweep(now=sh(11, day, 19))
        sweep.sweep(now=sh(11, day, 19))
    assert not working.escalations.filter(clock__kind=ClockKind.COMPLETION).exists()
    assert set(working.escalations.filter(rma__isnull=False).values_list("rma_milestone", flat=True)) == {
        MilestoneKind.RECEIPT, MilestoneKind.DAY_7, MilestoneKind.DAY_15}
    ticket_services.unit_back_from_vendor(working, by=spares_admin, now=sh(11, 24, 10), note="Repaired")
    ticket = Ticket.objects.get(pk=working.pk)
    assert ticket.status == Status.IN_PROGRESS
    assert Rma.objects.get(ticket=working).status == RmaStatus.RETURNED
    assert sweep.sweep(now=sh(12, 10, 10)) == (0, 0)  # the 30-day milestone ended with the return
    ticket_services.complete(ticket, by=engineer, now=sh(11, 24, 11), outcome="repaired", work_done="Refitted",
                             customer_confirmation="Li")
    assert Ticket.objects.get(pk=working.pk).status == Status.COMPLETED
    assert completion.started_at + timedelta(days=1) > completion.stopped_at


def test_send_form_adds_no_query_to_the_ticket_page(client, spares_admin, working):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    VendorFactory(name="Acme Repairs")
    client.force_login(spares_admin)
    client.get(working.get_absolute_url())  # session, permissions and vendor choices cached
    with CaptureQueriesContext(connection) as queries:
        page = client.get(working.get_absolute_url()).content.decode()
    assert "Acme Repairs" in page
    assert not [q for q in queries.captured_queries if 'FROM "spares_vendor"' in q["sql"]]
    VendorFactory(name="Nova Service")  # a new vendor shows at once
    assert "Nova Service" in client.get(working.get_absolute_url()).content.decode()
    cache.clear()


def test_unit_back_before_shipment_ends_the_rma_and_a_legacy_ticket_just_comes_back(spares_admin, engineer, working):
    from tickets.models import Ticket as T

    ticket_services.send_to_vendor(working, vendor=VendorFactory(), reason="Board dead", by=engineer,
                                   now=sh(11, 2, 11))
    ticket_services.unit_back_from_vendor(working, by=spares_admin, now=sh(11, 2, 15), note="Fixed here after all")
    rma = Rma.objects.get(ticket=working)
    assert (rma.status, rma.shipped_at) == (RmaStatus.RETURNED, None)
    assert not RmaMilestone.objects.filter(rma=rma, completed_at__isnull=True, cancelled=False).exists()
    assert T.objects.get(pk=working.pk).status == Status.IN_PROGRESS
    # A ticket sent before RMAs existed (status only) comes back without one.
    T.objects.filter(pk=working.pk).update(status=Status.AT_VENDOR)
    ticket_services.unit_back_from_vendor(working, by=spares_admin, now=sh(11, 2, 16))
    assert T.objects.get(pk=working.pk).status == Status.IN_PROGRESS
    assert Rma.objects.filter(ticket=working).count() == 1
