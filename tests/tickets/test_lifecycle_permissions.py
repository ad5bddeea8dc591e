"""Who may call which service (SPEC §1), role by role. A refusal writes nothing."""
import pytest

from staff import roles
from tests.factories import UserFactory
from tests.tickets.test_lifecycle import cast, clock, snapshot, ticket_in  # noqa: F401
from tickets import services
from tickets.choices import Category, Channel, CloseReason, HoldReason, ServiceType, Status
from tickets.exceptions import PermissionDenied
from tickets.models import Ticket
from tests.factories import send_to_vendor

ALL_ROLES = [
    roles.AGENT, roles.DISPATCHER, roles.ONSITE_ENGINEER, roles.DEPOT_ENGINEER, roles.TECH_SUPPORT,
    roles.SPARES_ADMIN, roles.QUALITY, roles.SUPERVISOR, roles.MANAGER,
]

# From the role table of SPEC §1: who does what. The manager writes nothing.
ALLOWED = {
    "create_ticket": {roles.AGENT, roles.DISPATCHER, roles.SUPERVISOR},
    "assign": {roles.DISPATCHER, roles.SUPERVISOR},
    "reassign": {roles.DISPATCHER, roles.SUPERVISOR},
    "resolve_at_intake": {roles.AGENT, roles.SUPERVISOR},
    "close": {roles.AGENT, roles.DISPATCHER, roles.QUALITY, roles.SUPERVISOR},
    "cancel": {roles.AGENT, roles.DISPATCHER, roles.SUPERVISOR},
    "reopen": {roles.AGENT, roles.DISPATCHER, roles.SUPERVISOR},
    "add_note": set(ALL_ROLES) - {roles.MANAGER},
    # Engineer steps on someone else's job: only recorded on their behalf.
    "arrive_for_assignee": {roles.DISPATCHER, roles.SUPERVISOR},
    "hold_for_assignee": {roles.DISPATCHER, roles.SUPERVISOR},
    # The spares desk handles vendor repair itself; dispatchers record it for the engineer.
    "send_to_vendor": {roles.SPARES_ADMIN, roles.DISPATCHER, roles.SUPERVISOR},
    "create_customer": {roles.AGENT, roles.DISPATCHER, roles.SUPERVISOR},
}


def _setup(service, ticket_in):
    status = {
        "create_ticket": None, "create_customer": None, "assign": Status.NEW, "reassign": Status.DISPATCHED,
        "resolve_at_intake": Status.NEW, "close": Status.COMPLETED, "cancel": Status.NEW,
        "reopen": Status.COMPLETED, "add_note": Status.NEW, "arrive_for_assignee": Status.DISPATCHED,
        "hold_for_assignee": Status.IN_PROGRESS, "send_to_vendor": Status.IN_PROGRESS,
    }[service]
    if status is None:
        return None
    category = Category.INQUIRY if service == "resolve_at_intake" else Category.REPAIR
    return ticket_in(status, category=category)


def _call(service, ticket, user, now, cast, unit, other_engineer):
    calls = {
        "create_ticket": lambda: services.create_ticket(
            by=user, now=now, customer=unit.customer, unit=unit, channel=Channel.PHONE,
            category=Category.REPAIR, service_type=ServiceType.ONSITE),
        "create_customer": lambda: services.create_customer(by=user, name="Wang Fang", phones=["139 0000 0000"]),
        "assign": lambda: services.assign_ticket(ticket, other_engineer, by=user, now=now),
        "reassign": lambda: services.reassign_ticket(ticket, other_engineer, by=user, now=now, reason="Closer",
                                                     expected_assignee_id=cast.engineer.pk),
        "resolve_at_intake": lambda: services.resolve_at_intake(ticket, by=user, now=now, answer="Explained"),
        "close": lambda: services.close(ticket, by=user, now=now, reason=CloseReason.CALLBACK_DONE),
        "cancel": lambda: services.cancel(ticket, by=user, now=now, reason="Withdrawn"),
        "reopen": lambda: services.reopen(ticket, by=user, now=now, reason="Same fault"),
        "add_note": lambda: services.add_note(ticket, by=user, now=now, message="Customer called again"),
        "arrive_for_assignee": lambda: services.arrive(ticket, by=user, now=now),
        "hold_for_assignee": lambda: services.hold(ticket, by=user, now=now, reason=HoldReason.AWAITING_PARTS),
        "send_to_vendor": lambda: send_to_vendor(ticket, by=user, now=now),
    }
    return calls[service]()


def _world():
    from tickets.models import Customer, TicketEvent

    return Ticket.objects.count(), Customer.objects.count(), TicketEvent.objects.count()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("service", list(ALLOWED))
def test_role_permissions_for_every_service(service, role, ticket_in, cast, clock, unit, other_engineer):
    user = UserFactory(username=f"actor-{role}", roles=[role])
    ticket = _setup(service, ticket_in)
    before = (snapshot(ticket) if ticket else None, _world())
    if role in ALLOWED[service]:
        _call(service, ticket, user, clock.tick(), cast, unit, other_engineer)
        assert _world() != before[1]
    else:
        with pytest.raises(PermissionDenied):
            _call(service, ticket, user, clock.tick(), cast, unit, other_engineer)
        assert (snapshot(ticket) if ticket else None, _world()) == before


def test_user_without_any_role_can_do_nothing(ticket_in, clock, cast, unit, other_engineer):
    nobody = UserFactory(username="nobody")
    for service in ALLOWED:
        ticket = _setup(service, ticket_in)
        with pytest.raises(PermissionDenied):
            _call(service, ticket, nobody, clock.tick(), cast, unit, other_engineer)


def test_user_holding_two_roles_gets_both(ticket_in, clock, cast):
    both = UserFactory(username="agent-and-dispatcher", roles=[roles.AGENT, roles.DISPATCHER])
    inquiry = ticket_in(Status.NEW, category=Category.INQUIRY)
    services.resolve_at_intake(inquiry, by=both, now=clock.tick(), answer="Explained")
    repair = ticket_in(Status.NEW)
    services.assign_ticket(repair, cast.engineer, by=both, now=clock.tick())
    assert Ticket.objects.get(pk=repair.pk).status == Status.DISPATCHED
