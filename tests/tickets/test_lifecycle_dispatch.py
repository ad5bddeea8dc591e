"""Assigning and reassigning (SPEC §5), and who may act on an engineer's job."""
from unittest import mock

import pytest

from staff import roles
from tests.conftest import requires_postgres
from tests.factories import UserFactory
from tests.tickets.test_lifecycle import cast, clock, snapshot, status_events, ticket_in  # noqa: F401
from tickets import services
from tickets.choices import EventKind, HoldReason, Outcome, Status
from tickets.exceptions import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.models import Ticket, TicketEvent
from tests.factories import send_to_vendor


def test_assign_sets_assignee_times_and_writes_both_events(ticket_in, cast, clock):
    ticket = ticket_in(Status.NEW)
    at = clock.tick()
    services.assign_ticket(ticket, cast.engineer, by=cast.dispatcher, now=at)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.assigned_at, ticket.first_assigned_at) == (
        Status.DISPATCHED, cast.engineer, at, at)
    assignment = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ASSIGNMENT)
    assert assignment.actor == cast.dispatcher
    assert assignment.data["assignee"] == cast.engineer.pk
    assert status_events(ticket).get().to_status == Status.DISPATCHED


def test_second_dispatcher_gets_conflict(ticket_in, cast, clock, other_engineer, supervisor):
    ticket = ticket_in(Status.NEW)
    stale_copy = Ticket.objects.get(pk=ticket.pk)  # what the second dispatcher's board still shows
    services.assign_ticket(ticket, cast.engineer, by=cast.dispatcher, now=clock.tick())
    before = snapshot(ticket)
    with pytest.raises(Conflict):
        services.assign_ticket(stale_copy, other_engineer, by=supervisor, now=clock.tick())
    assert snapshot(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).assignee == cast.engineer


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED])
def test_assign_refused_once_work_is_under_way_or_over(status, ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(status)
    before = snapshot(ticket)
    with pytest.raises((TransitionNotAllowed, Conflict)):
        services.assign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick())
    assert snapshot(ticket) == before


@pytest.mark.parametrize("role", [roles.AGENT, roles.DISPATCHER, roles.SPARES_ADMIN, roles.MANAGER])
def test_assignee_must_be_an_engineer(role, ticket_in, cast, clock):
    not_an_engineer = UserFactory(username=f"not-eng-{role}", roles=[role])
    ticket = ticket_in(Status.NEW)
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.assign_ticket(ticket, not_an_engineer, by=cast.dispatcher, now=clock.tick())
    assert snapshot(ticket) == before


def test_inactive_engineer_cannot_be_assigned(ticket_in, cast, clock):
    gone = UserFactory(username="left-company", roles=[roles.ONSITE_ENGINEER], is_active=False)
    ticket = ticket_in(Status.NEW)
    with pytest.raises(InvalidInput):
        services.assign_ticket(ticket, gone, by=cast.dispatcher, now=clock.tick())
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_depot_engineer_can_be_assigned(ticket_in, cast, clock, depot_engineer):
    ticket = ticket_in(Status.NEW)
    services.assign_ticket(ticket, depot_engineer, by=cast.dispatcher, now=clock.tick())
    assert Ticket.objects.get(pk=ticket.pk).assignee == depot_engineer


def test_reassign_records_reason_and_previous_assignee_without_status_change(ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(Status.DISPATCHED)
    first_assigned_at = Ticket.objects.get(pk=ticket.pk).first_assigned_at
    status_changes = status_events(ticket).count()
    at = clock.tick()
    services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=at, reason="  Engineer is ill ",
                             expected_assignee_id=cast.engineer.pk)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.assigned_at) == (Status.DISPATCHED, other_engineer, at)
    assert ticket.first_assigned_at == first_assigned_at
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNMENT).last()
    assert event.message == "Engineer is ill"
    assert event.data["previous_assignee"] == cast.engineer.pk
    assert event.data["assignee"] == other_engineer.pk
    assert status_events(ticket).count() == status_changes


@pytest.mark.parametrize("reason", ["", "   "])
def test_reassign_needs_a_reason(reason, ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(Status.DISPATCHED)
    before = snapshot(ticket)
    with pytest.raises(InvalidInput):
        services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick(), reason=reason,
                                 expected_assignee_id=cast.engineer.pk)
    assert snapshot(ticket) == before


def test_reassign_with_a_stale_assignee_is_a_conflict(ticket_in, cast, clock, other_engineer, depot_engineer):
    ticket = ticket_in(Status.DISPATCHED)
    services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick(), reason="Closer",
                             expected_assignee_id=cast.engineer.pk)
    before = snapshot(ticket)
    with pytest.raises(Conflict):  # the second dispatcher still saw the first engineer
        services.reassign_ticket(ticket, depot_engineer, by=cast.dispatcher, now=clock.tick(), reason="Skills",
                                 expected_assignee_id=cast.engineer.pk)
    assert snapshot(ticket) == before


def test_reassign_of_a_held_ticket_is_allowed(ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(Status.ON_HOLD)
    services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick(), reason="Leave",
                             expected_assignee_id=cast.engineer.pk)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.ON_HOLD, other_engineer)


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED])
def test_reassign_refused_outside_dispatched_or_on_hold(status, ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(status)
    before = snapshot(ticket)
    with pytest.raises(TransitionNotAllowed):
        services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick(), reason="x",
                                 expected_assignee_id=ticket.assignee_id)
    assert snapshot(ticket) == before


def test_reassign_target_must_be_an_engineer(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    with pytest.raises(InvalidInput):
        services.reassign_ticket(ticket, cast.agent, by=cast.dispatcher, now=clock.tick(), reason="x",
                                 expected_assignee_id=cast.engineer.pk)
    assert Ticket.objects.get(pk=ticket.pk).assignee == cast.engineer


def test_previous_engineer_loses_the_job_after_reassignment(ticket_in, cast, clock, other_engineer):
    ticket = ticket_in(Status.DISPATCHED)
    services.reassign_ticket(ticket, other_engineer, by=cast.dispatcher, now=clock.tick(), reason="Closer",
                             expected_assignee_id=cast.engineer.pk)
    with pytest.raises(PermissionDenied):
        services.arrive(ticket, by=cast.engineer, now=clock.tick())
    services.arrive(ticket, by=other_engineer, now=clock.tick())
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


ENGINEER_ACTIONS = {
    "arrive": (Status.DISPATCHED, lambda t, by, now: services.arrive(t, by=by, now=now)),
    "start": (Status.DISPATCHED, lambda t, by, now: services.start_work(t, by=by, now=now)),
    "hold": (Status.IN_PROGRESS, lambda t, by, now: services.hold(t, by=by, now=now,
                                                                   reason=HoldReason.AWAITING_PARTS)),
    "resume": (Status.ON_HOLD, lambda t, by, now: services.resume(t, by=by, now=now)),
    "complete": (Status.IN_PROGRESS, lambda t, by, now: services.complete(
        t, by=by, now=now, outcome=Outcome.REPAIRED, work_done="Fixed", customer_confirmation="Li")),
    "send_to_vendor": (Status.IN_PROGRESS, lambda t, by, now: send_to_vendor(t, by=by, now=now)),
}


@pytest.mark.parametrize("action", list(ENGINEER_ACTIONS))
def test_other_engineer_cannot_act_on_someone_elses_job(action, ticket_in, cast, clock, other_engineer):
    status, call = ENGINEER_ACTIONS[action]
    ticket = ticket_in(status)
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        call(ticket, other_engineer, clock.tick())
    assert snapshot(ticket) == before


@pytest.mark.parametrize("action", list(ENGINEER_ACTIONS))
def test_assignee_acts_on_own_job(action, ticket_in, cast, clock):
    status, call = ENGINEER_ACTIONS[action]
    ticket = ticket_in(status)
    call(ticket, cast.engineer, clock.tick())
    event = status_events(ticket).last()
    assert (event.actor, event.on_behalf_of, event.from_status) == (cast.engineer, None, status)


@pytest.mark.parametrize("action", list(ENGINEER_ACTIONS))
def test_dispatcher_records_on_behalf_of_the_assignee(action, ticket_in, cast, clock):
    status, call = ENGINEER_ACTIONS[action]
    ticket = ticket_in(status)
    call(ticket, cast.dispatcher, clock.tick())
    event = status_events(ticket).last()
    assert event.actor == cast.dispatcher
    assert event.on_behalf_of == cast.engineer
    assert event.from_status == status


@pytest.mark.parametrize("role", [roles.AGENT, roles.TECH_SUPPORT, roles.QUALITY, roles.MANAGER])
@pytest.mark.parametrize("action", ["arrive", "start", "hold", "resume", "complete"])
def test_roles_without_job_rights_cannot_record_engineer_steps(role, action, ticket_in, cast, clock):
    user = UserFactory(username=f"u-{role}", roles=[role])
    status, call = ENGINEER_ACTIONS[action]
    ticket = ticket_in(status)
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        call(ticket, user, clock.tick())
    assert snapshot(ticket) == before


def test_failed_assignment_event_rolls_back_the_whole_assignment(ticket_in, cast, clock):
    ticket = ticket_in(Status.NEW)
    before = snapshot(ticket)
    real_log_event = services.log_event

    def fail_on_assignment_event(*args, **kwargs):
        if kwargs["kind"] == EventKind.ASSIGNMENT:
            raise RuntimeError("disk full")
        return real_log_event(*args, **kwargs)

    with mock.patch("tickets.services.work.log_event", side_effect=fail_on_assignment_event):
        with pytest.raises(RuntimeError):
            services.assign_ticket(ticket, cast.engineer, by=cast.dispatcher, now=clock.tick())
    assert snapshot(ticket) == before


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_assigning_at_once_exactly_one_wins():
    """SPEC §5: never two assignees. The row lock serialises the two; the loser sees the
    assignment and gets a conflict."""
    import threading

    from django.db import connection
    from django.utils import timezone

    from tests.factories import ProductUnitFactory

    agent = UserFactory(username="race-agent", roles=[roles.AGENT])
    dispatchers = [UserFactory(username=f"race-disp{n}", roles=[roles.DISPATCHER]) for n in range(2)]
    engineers = [UserFactory(username=f"race-eng{n}", roles=[roles.ONSITE_ENGINEER]) for n in range(2)]
    unit = ProductUnitFactory()
    now = timezone.now()
    ticket = services.create_ticket(by=agent, now=now, customer=unit.customer, unit=unit, channel="phone",
                                    category="repair", service_type="onsite")
    barrier = threading.Barrier(2)
    outcomes = []

    def assign(n):
        try:
            barrier.wait(timeout=30)
            services.assign_ticket(Ticket.objects.get(pk=ticket.pk), engineers[n], by=dispatchers[n], now=now)
            outcomes.append(("won", engineers[n].pk))
        except Exception as exc:  # asserted below
            outcomes.append(("lost", type(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [value for result, value in outcomes if result == "won"]
    assert len(winners) == 1
    assert [value for result, value in outcomes if result == "lost"] == [Conflict]
    ticket.refresh_from_db()
    assert ticket.assignee_id == winners[0]
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNMENT).count() == 1
