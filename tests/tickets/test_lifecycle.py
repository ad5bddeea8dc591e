"""The state machine of SPEC §3: every action of ALLOWED_TRANSITIONS tried from every
status. Tickets reach each status through the services themselves.

Helpers here (Cast, Clock, drive_to, perform, snapshot) are shared by the other
test_lifecycle_*.py modules.
"""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import services
from tickets.choices import ALLOWED_TRANSITIONS, Category, CloseReason, EventKind, HoldReason, Outcome, Status
from tickets.exceptions import Conflict, TransitionNotAllowed
from tickets.models import ServiceReport, Ticket, TicketEvent
from tests.factories import send_to_vendor


@dataclass
class Cast:
    agent: object
    dispatcher: object
    engineer: object
    spares_admin: object


class Clock:
    """Milestones in order, all in the past of the real clock (times may not be in the future)."""

    def __init__(self, start):
        self.now = start

    def tick(self, minutes=10):
        self.now += timedelta(minutes=minutes)
        return self.now


@pytest.fixture
def cast(agent, dispatcher, engineer, spares_admin):
    return Cast(agent=agent, dispatcher=dispatcher, engineer=engineer, spares_admin=spares_admin)


@pytest.fixture
def clock():
    return Clock(timezone.now() - timedelta(days=2))


# How each status is reached from `new`, through the services.
PATHS = {
    Status.NEW: [],
    Status.DISPATCHED: ["assign"],
    Status.IN_PROGRESS: ["assign", "arrive"],  # arrived, work not started yet
    Status.ON_HOLD: ["assign", "hold"],  # held from dispatched
    Status.AT_VENDOR: ["assign", "arrive", "start", "send_to_vendor"],
    Status.COMPLETED: ["assign", "arrive", "start", "complete"],
    Status.CLOSED: ["assign", "arrive", "start", "complete", "close"],
    Status.CANCELLED: ["cancel"],
}


def worker_for(ticket, cast):
    """The assignee does their own job; with nobody assigned, the dispatcher records it."""
    return cast.engineer if ticket.assignee_id == cast.engineer.pk else cast.dispatcher


def perform(action, ticket, cast, now):
    """Run one lifecycle action as the role that may do it; return (ticket, actor)."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    worker = worker_for(ticket, cast)
    calls = {
        "assign": (cast.dispatcher, lambda by: services.assign_ticket(ticket, cast.engineer, by=by, now=now)),
        "arrive": (worker, lambda by: services.arrive(ticket, by=by, now=now)),
        "start": (worker, lambda by: services.start_work(ticket, by=by, now=now)),
        "hold": (worker, lambda by: services.hold(ticket, by=by, now=now, reason=HoldReason.AWAITING_PARTS)),
        "resume": (worker, lambda by: services.resume(ticket, by=by, now=now)),
        "send_to_vendor": (cast.spares_admin, lambda by: send_to_vendor(ticket, by=by, now=now)),
        "unit_back": (cast.spares_admin, lambda by: services.unit_back_from_vendor(ticket, by=by, now=now)),
        "complete": (worker, lambda by: services.complete(
            ticket, by=by, now=now, outcome=Outcome.REPAIRED, work_done="Replaced the power board",
            customer_confirmation="Li Wei")),
        "close": (cast.agent, lambda by: services.close(ticket, by=by, now=now, reason=CloseReason.CALLBACK_DONE)),
        "resolve_at_intake": (cast.agent, lambda by: services.resolve_at_intake(
            ticket, by=by, now=now, answer="Explained how to reset the unit")),
        "cancel": (cast.agent, lambda by: services.cancel(ticket, by=by, now=now, reason="Customer withdrew")),
        "reopen": (cast.agent, lambda by: services.reopen(ticket, by=by, now=now, reason="Same fault again")),
    }
    actor, call = calls[action]
    return call(actor), actor


def drive_to(status, ticket, cast, clock):
    for action in PATHS[status]:
        ticket, _ = perform(action, ticket, cast, clock.tick())
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


def snapshot(ticket):
    """Everything a refused action must leave untouched."""
    return (
        Ticket.objects.filter(pk=ticket.pk).values().get(),
        list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", "kind", "from_status", "to_status")),
        list(ServiceReport.objects.filter(ticket=ticket).values()),
    )


def status_events(ticket):
    return TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGE).order_by("id")


@pytest.fixture
def ticket_in(make_ticket, cast, clock):
    """ticket_in(status, category=...) -> a ticket brought to `status` through the services."""

    def make(status, category=Category.REPAIR):
        ticket = make_ticket(category=category, now=clock.now)
        return drive_to(status, ticket, cast, clock)

    return make


def _expected(action, status):
    sources, target = ALLOWED_TRANSITIONS[action]
    if status not in sources:
        return "refused", None
    if action == "assign" and status == Status.DISPATCHED:
        return "conflict", None  # a second assignment is a conflict; reassign is its own service
    if action == "resume":
        return "moved", Status.DISPATCHED  # PATHS holds the ticket from dispatched
    return "moved", target


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ALLOWED_TRANSITIONS))
def test_every_action_from_every_status(action, status, ticket_in, cast, clock):
    category = Category.INQUIRY if action == "resolve_at_intake" else Category.REPAIR
    ticket = ticket_in(status, category=category)
    verdict, target = _expected(action, status)
    before = snapshot(ticket)
    events_before = status_events(ticket).count()

    if verdict == "refused":
        with pytest.raises(TransitionNotAllowed):
            perform(action, ticket, cast, clock.tick())
        assert snapshot(ticket) == before
    elif verdict == "conflict":
        with pytest.raises(Conflict):
            perform(action, ticket, cast, clock.tick())
        assert snapshot(ticket) == before
    else:
        _, actor = perform(action, ticket, cast, clock.tick())
        ticket.refresh_from_db()
        assert ticket.status == target
        new_events = list(status_events(ticket)[events_before:])
        assert len(new_events) == 1
        event = new_events[0]
        assert (event.from_status, event.to_status) == (status, target)
        assert event.actor == actor
        assert event.at == clock.now
        assert event.data["action"] == action


def test_every_status_is_reachable_and_every_action_is_legal_somewhere():
    """Guards the matrix above against a status or action it would silently skip."""
    assert set(PATHS) == set(Status)
    for action, (sources, _) in ALLOWED_TRANSITIONS.items():
        assert sources, action
        assert any(_expected(action, status)[0] == "moved" for status in sources), action


@pytest.mark.parametrize("status", [Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD])
def test_engineer_action_recorded_by_dispatcher_names_the_engineer(status, ticket_in, cast, clock):
    ticket = ticket_in(status)
    action = "resume" if status == Status.ON_HOLD else "hold"
    ticket = Ticket.objects.get(pk=ticket.pk)
    if action == "hold":
        services.hold(ticket, by=cast.dispatcher, now=clock.tick(), reason=HoldReason.CUSTOMER_REASON)
    else:
        services.resume(ticket, by=cast.dispatcher, now=clock.tick())
    event = status_events(ticket).last()
    assert event.actor == cast.dispatcher
    assert event.on_behalf_of == cast.engineer


def test_engineer_doing_own_job_is_not_recorded_as_on_behalf(ticket_in, cast, clock):
    ticket = ticket_in(Status.DISPATCHED)
    services.arrive(ticket, by=cast.engineer, now=clock.tick())
    event = status_events(ticket).last()
    assert event.actor == cast.engineer
    assert event.on_behalf_of is None


def test_full_repair_journey_leaves_an_ordered_timeline(ticket_in, cast, clock):
    ticket = ticket_in(Status.CLOSED)
    transitions = [(e.from_status, e.to_status) for e in status_events(ticket)]
    assert transitions == [
        (Status.NEW, Status.DISPATCHED), (Status.DISPATCHED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.IN_PROGRESS), (Status.IN_PROGRESS, Status.COMPLETED),
        (Status.COMPLETED, Status.CLOSED),
    ]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds[0] == EventKind.CREATED
    assert kinds.count(EventKind.ASSIGNMENT) == 1


def test_transition_table_matches_the_spec_diagram():
    """SPEC §3 drawn as (action, from, to); 'resume' goes back to where it was held from."""
    open_statuses = {Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD, Status.AT_VENDOR}
    spec = {
        "assign": ({Status.NEW, Status.DISPATCHED}, Status.DISPATCHED),
        "arrive": ({Status.DISPATCHED}, Status.IN_PROGRESS),
        "start": ({Status.DISPATCHED, Status.IN_PROGRESS}, Status.IN_PROGRESS),
        "hold": ({Status.DISPATCHED, Status.IN_PROGRESS}, Status.ON_HOLD),
        "resume": ({Status.ON_HOLD}, None),
        "send_to_vendor": ({Status.IN_PROGRESS}, Status.AT_VENDOR),
        "unit_back": ({Status.AT_VENDOR}, Status.IN_PROGRESS),
        "complete": ({Status.IN_PROGRESS}, Status.COMPLETED),
        "close": ({Status.COMPLETED}, Status.CLOSED),
        "resolve_at_intake": ({Status.NEW}, Status.CLOSED),
        "cancel": (open_statuses, Status.CANCELLED),
        "reopen": ({Status.COMPLETED, Status.CLOSED}, Status.NEW),
    }
    actual = {action: (set(sources), target) for action, (sources, target) in ALLOWED_TRANSITIONS.items()}
    assert actual == spec
    terminal = {Status.CANCELLED}
    assert not any(status in terminal for sources, _ in actual.values() for status in sources)
