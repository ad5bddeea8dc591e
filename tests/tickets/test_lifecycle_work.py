"""The engineer's job (SPEC §3, §5): times reported from the field, hold/resume,
vendor repair and completion with a service report."""
from datetime import timedelta
from unittest import mock

import pytest

from tests.tickets.test_lifecycle import cast, clock, snapshot, status_events, ticket_in  # noqa: F401
from tickets import services
from tickets.choices import HoldReason, Outcome, Status
from tickets.exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.models import ServiceReport, Ticket
from tickets.services import ReportIncomplete
from tests.factories import send_to_vendor


def test_arrival_reported_later_keeps_the_real_time(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    assigned_at = Ticket.objects.get(pk=ticket.pk).assigned_at
    real_arrival = assigned_at + timedelta(minutes=18)
    services.arrive(ticket, by=cast.dispatcher, now=assigned_at + timedelta(hours=2), at=real_arrival)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.arrived_at) == (Status.IN_PROGRESS, real_arrival)


@pytest.mark.parametrize(
    ("step", "status"),
    [("arrive", Status.DISPATCHED), ("start", Status.DISPATCHED), ("start", Status.IN_PROGRESS)],
)
def test_time_in_the_future_is_refused(step, status, ticket_in, cast, clock):
    ticket = ticket_in(status)
    now = clock.tick()
    call = services.arrive if step == "arrive" else services.start_work
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        call(ticket, by=cast.engineer, now=now, at=now + timedelta(minutes=5))
    assert snapshot(ticket) == before


def test_clock_skew_of_under_a_minute_is_tolerated(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    now = clock.tick()
    services.arrive(ticket, by=cast.engineer, now=now, at=now + timedelta(seconds=30))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_arrival_before_assignment_is_refused(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    assigned_at = Ticket.objects.get(pk=ticket.pk).assigned_at
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.arrive(ticket, by=cast.engineer, now=clock.tick(), at=assigned_at - timedelta(minutes=1))
    assert snapshot(ticket) == before


def test_start_before_arrival_is_refused(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    arrived_at = Ticket.objects.get(pk=ticket.pk).arrived_at
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.start_work(ticket, by=cast.engineer, now=clock.tick(), at=arrived_at - timedelta(seconds=1))
    assert snapshot(ticket) == before


def test_start_after_arrival_records_start_time(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    arrived_at = Ticket.objects.get(pk=ticket.pk).arrived_at
    services.start_work(ticket, by=cast.engineer, now=clock.tick(), at=arrived_at + timedelta(minutes=5))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.started_at) == (Status.IN_PROGRESS, arrived_at + timedelta(minutes=5))


def test_start_directly_from_dispatched_for_remote_or_depot_work(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    services.start_work(ticket, by=cast.engineer, now=clock.tick())
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.arrived_at is None


def test_start_twice_is_refused(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    services.start_work(ticket, by=cast.engineer, now=clock.tick())
    before = snapshot(ticket)
    with pytest.raises(TransitionNotAllowed):
        services.start_work(ticket, by=cast.engineer, now=clock.tick())
    assert snapshot(ticket) == before


def test_completion_before_start_is_refused(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    now = clock.tick()
    services.start_work(ticket, by=cast.engineer, now=now)
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.complete(ticket, by=cast.engineer, now=clock.tick(), at=now - timedelta(minutes=1),
                          outcome=Outcome.REPAIRED, work_done="Fixed", customer_confirmation="Li")
    assert snapshot(ticket) == before


@pytest.mark.parametrize("reason", ["", "lunch", "AWAITING_PARTS", None])
def test_hold_needs_a_valid_reason(reason, ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.hold(ticket, by=cast.engineer, now=clock.tick(), reason=reason)
    assert snapshot(ticket) == before


@pytest.mark.parametrize("held_from", [Status.DISPATCHED, Status.IN_PROGRESS])
@pytest.mark.parametrize("reason", list(HoldReason))
def test_resume_returns_to_the_status_it_was_held_from(held_from, reason, ticket_in, cast, clock):
    ticket = ticket_in(held_from)
    services.hold(ticket, by=cast.engineer, now=clock.tick(), reason=reason, note="Waiting for a board")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.hold_reason) == (Status.ON_HOLD, reason)
    hold_event = status_events(ticket).last()
    assert hold_event.data["reason"] == reason
    assert hold_event.message == "Waiting for a board"

    services.resume(ticket, by=cast.engineer, now=clock.tick())
    ticket.refresh_from_db()
    assert ticket.status == held_from
    assert ticket.hold_reason == ""
    resume_event = status_events(ticket).last()
    assert (resume_event.from_status, resume_event.to_status) == (Status.ON_HOLD, held_from)
    assert resume_event.data["reason"] == reason


def test_hold_twice_is_refused(ticket_in, cast, clock):
    ticket = ticket_in(Status.ON_HOLD)
    before = snapshot(ticket)
    with pytest.raises(TransitionNotAllowed):
        services.hold(ticket, by=cast.engineer, now=clock.tick(), reason=HoldReason.HOLIDAY)
    assert snapshot(ticket) == before


def test_vendor_round_trip_returns_to_in_progress_and_can_complete(ticket_in, cast, clock):
    ticket = ticket_in(Status.AT_VENDOR)
    assert Ticket.objects.get(pk=ticket.pk).sent_to_vendor_at is not None
    services.unit_back_from_vendor(ticket, by=cast.spares_admin, now=clock.tick(), note="Board replaced by vendor")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    services.complete(ticket, by=cast.engineer, now=clock.tick(), outcome=Outcome.REPLACED,
                      work_done="Post-repair test passed", customer_confirmation="Li")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.COMPLETED


def test_assigned_engineer_may_send_to_vendor_but_an_agent_may_not(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        send_to_vendor(ticket, by=cast.agent, now=clock.tick())
    send_to_vendor(ticket, by=cast.engineer, now=clock.tick())
    assert Ticket.objects.get(pk=ticket.pk).status == Status.AT_VENDOR
    assert ticket.rmas.get().status == "awaiting_shipment"  # the RMA is opened on the engineer's word


def complete_kwargs(**overrides):
    values = {"outcome": Outcome.REPAIRED, "work_done": "Replaced the fan", "customer_confirmation": "Li Wei"}
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"outcome": "", "work_done": "", "customer_confirmation": ""},
         {"outcome", "work_done", "customer_confirmation"}),
        ({"outcome": ""}, {"outcome"}),
        ({"outcome": Outcome.ANSWERED}, {"outcome"}),  # answered is for inquiries, not repairs
        ({"outcome": "fixed-ish"}, {"outcome"}),
        ({"work_done": "   "}, {"work_done"}),
        ({"customer_confirmation": "\n"}, {"customer_confirmation"}),
        ({"work_done": "", "customer_confirmation": ""}, {"work_done", "customer_confirmation"}),
    ],
)
def test_completion_needs_outcome_work_done_and_customer_confirmation(overrides, missing, ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    before = snapshot(ticket)
    with pytest.raises(ReportIncomplete) as excinfo:
        services.complete(ticket, by=cast.engineer, now=clock.tick(), **complete_kwargs(**overrides))
    assert set(excinfo.value.errors) == missing
    assert snapshot(ticket) == before
    assert not ServiceReport.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("outcome", [Outcome.REPAIRED, Outcome.REPLACED, Outcome.UNREPAIRABLE, Outcome.NO_FAULT_FOUND])
def test_completion_writes_the_service_report(outcome, ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    now = clock.tick()
    services.complete(ticket, by=cast.engineer, now=now, outcome=outcome, work_done=" Replaced the fan ",
                      customer_confirmation=" Li Wei ", parts_used="FAN-120", parts_replaced=True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome, ticket.completed_at) == (Status.COMPLETED, outcome, now)
    report = ServiceReport.objects.get(ticket=ticket)
    assert (report.work_done, report.customer_confirmation, report.parts_used, report.parts_replaced) == (
        "Replaced the fan", "Li Wei", "FAN-120", True)
    assert report.created_by == cast.engineer
    assert status_events(ticket).last().data["outcome"] == outcome


def test_completion_recorded_by_dispatcher_is_on_behalf(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    services.complete(ticket, by=cast.dispatcher, now=clock.tick(), **complete_kwargs())
    event = status_events(ticket).last()
    assert (event.actor, event.on_behalf_of) == (cast.dispatcher, cast.engineer)


def test_failure_after_writing_the_report_leaves_no_partial_completion(ticket_in, cast, clock):
    ticket = ticket_in(Status.IN_PROGRESS)
    before = snapshot(ticket)
    with mock.patch("tickets.services.work._move", side_effect=RuntimeError("lost connection")):
        with pytest.raises(RuntimeError):
            services.complete(ticket, by=cast.engineer, now=clock.tick(), **complete_kwargs())
    assert snapshot(ticket) == before
    assert not ServiceReport.objects.filter(ticket=ticket).exists()
