"""Model-level guarantees: the append-only timeline and the database constraints that
are the last line against bad writes (STYLE: constraints in the database)."""
import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tests.factories import CustomerFactory, ProductModelFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import EventKind, HoldReason, Outcome, Status
from tickets.models import CustomerPhone, ProductUnit, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_ticket):
    return TicketEvent.objects.get(ticket=make_ticket())


def test_event_cannot_be_changed_once_saved(event):
    event.message = "rewritten history"
    with pytest.raises(TypeError):
        event.save()
    assert TicketEvent.objects.get(pk=event.pk).message == ""


def test_event_cannot_be_deleted(event):
    with pytest.raises(TypeError):
        event.delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_deleted_or_updated_in_bulk(event):
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        TicketEvent.objects.all().update(message="x")
    with pytest.raises(TypeError), transaction.atomic():
        TicketEvent.objects.bulk_update([event], ["message"])
    assert TicketEvent.objects.get(pk=event.pk).message == ""


def test_events_cannot_be_deleted_through_the_ticket(event):
    with pytest.raises(TypeError):
        event.ticket.events.all().delete()
    with pytest.raises(TypeError):
        event.ticket.events.update(message="x")
    assert event.ticket.events.count() == 1


def test_ticket_with_a_timeline_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        Ticket.objects.filter(pk=event.ticket_id).delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_new_events_can_still_be_appended(event, agent, now):
    TicketEvent.objects.create(ticket=event.ticket, kind=EventKind.NOTE, actor=agent, at=now, message="more")
    assert event.ticket.events.count() == 2


def integrity_error(**fields):
    """Creating or updating a ticket with `fields` must be refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(**fields)


def test_on_hold_needs_a_reason(engineer):
    integrity_error(status=Status.ON_HOLD, hold_reason="", assignee=engineer)


def test_on_hold_with_a_reason_is_accepted(engineer):
    TicketFactory(status=Status.ON_HOLD, hold_reason=HoldReason.HOLIDAY, assignee=engineer)


def test_completed_needs_an_outcome(engineer):
    integrity_error(status=Status.COMPLETED, outcome="", assignee=engineer)


def test_completed_with_an_outcome_is_accepted(engineer):
    TicketFactory(status=Status.COMPLETED, outcome=Outcome.REPAIRED, assignee=engineer)


@pytest.mark.parametrize("status", [Status.DISPATCHED, Status.IN_PROGRESS, Status.AT_VENDOR])
def test_worked_ticket_needs_an_assignee(status):
    integrity_error(status=status, assignee=None)


@pytest.mark.parametrize("status", [Status.NEW, Status.CANCELLED, Status.CLOSED])
def test_unassigned_is_fine_before_work_and_after_it_ends(status):
    TicketFactory(status=status, assignee=None)


def test_constraint_also_guards_queryset_updates(engineer):
    ticket = TicketFactory(status=Status.DISPATCHED, assignee=engineer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(assignee=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.ON_HOLD)
    assert Ticket.objects.get(pk=ticket.pk).assignee == engineer


def test_ticket_number_is_unique():
    TicketFactory(number="SR-2026-000042")
    integrity_error(number="SR-2026-000042")


def test_serial_number_is_unique_per_model():
    unit = ProductUnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductUnitFactory(model=unit.model, serial_number=unit.serial_number)
    ProductUnitFactory(model=ProductModelFactory(), serial_number=unit.serial_number)
    assert ProductUnit.objects.filter(serial_number=unit.serial_number).count() == 2


def test_phone_is_normalised_on_save_and_unique_per_customer():
    customer = CustomerFactory()
    phone = CustomerPhone.objects.create(customer=customer, raw="+86 138-0013-8000")
    assert phone.number == "13800138000"
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerPhone.objects.create(customer=customer, raw="138 0013 8000")
    CustomerPhone.objects.create(customer=CustomerFactory(), raw="138 0013 8000")  # a shared family phone


def test_is_open_covers_exactly_the_open_statuses():
    open_ones = {status for status in Status if Ticket(status=status).is_open}
    assert open_ones == {Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD, Status.AT_VENDOR}


def test_user_who_acted_on_a_ticket_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()
    assert UserFactory._meta.model.objects.filter(pk=event.actor_id).exists()
