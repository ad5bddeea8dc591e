"""Reservations hold parts for a ticket: they raise the balance's `reserved` so nobody
else can issue them, and end when used, released, or the ticket closes/cancels."""
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.exceptions import InvalidInput, TransitionNotAllowed
from tickets.models import Ticket
from tickets.services import log_event, require_perm
from tickets.choices import EventKind

from ..exceptions import OutOfStock
from ..models import Condition, Reservation, ReservationStatus
from .ledger import MAX_QUANTITY, _locked_balances


@transaction.atomic
def reserve_part(ticket, *, part, warehouse, quantity, by, now):
    require_perm(by, "spares.add_reservation")
    if not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput(_("The quantity must be a whole number between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    if not ticket.is_open:
        raise TransitionNotAllowed(_("Parts can only be reserved for an open ticket."))
    balance = _locked_balances(part, Condition.GOOD, [warehouse], create=True)[warehouse.pk]
    if balance.available < quantity:
        raise OutOfStock(_("Only %(free)s of %(part)s free in %(warehouse)s.") % {
            "free": balance.available, "part": part.part_number, "warehouse": warehouse.code})
    balance.reserved += quantity
    balance.save(update_fields=["reserved"])
    reservation = Reservation.objects.create(ticket=ticket, part=part, warehouse=warehouse, quantity=quantity,
                                             created_by=by, created_at=now)
    # "Parts requested" is one of the facts of the cancel lock (SPEC §3).
    Ticket.objects.filter(pk=ticket.pk, parts_requested_at__isnull=True).update(parts_requested_at=now)
    log_event(ticket, kind=EventKind.PART_USED, by=by, now=now,
              data={"reservation": reservation.pk}, text="part_reserved",
              params={"quantity": quantity, "part": part.part_number, "warehouse": warehouse.code})
    return reservation


def _end(reservation, status, *, now, quantity=None):
    """Lower the balance's reserved count and end the reservation (caller holds locks)."""
    balance = _locked_balances(reservation.part, Condition.GOOD, [reservation.warehouse], create=False)[
        reservation.warehouse_id]
    balance.reserved -= reservation.quantity if quantity is None else quantity
    balance.save(update_fields=["reserved"])
    reservation.status, reservation.ended_at = status, now
    reservation.save(update_fields=["status", "ended_at"])


@transaction.atomic
def release_reservation(reservation, *, by, now):
    require_perm(by, "spares.add_reservation")
    reservation = Reservation.objects.select_for_update().select_related("part", "warehouse").get(pk=reservation.pk)
    if reservation.status != ReservationStatus.ACTIVE:
        raise TransitionNotAllowed(_("This reservation has already ended."))
    _end(reservation, ReservationStatus.RELEASED, now=now)
    return reservation


@transaction.atomic
def release_ticket_reservations(ticket, *, now):
    """The ticket closed or was cancelled: what it still holds goes back to stock."""
    active = (Reservation.objects.select_for_update().select_related("part", "warehouse")
              .filter(ticket=ticket, status=ReservationStatus.ACTIVE).order_by("warehouse_id", "id"))
    released = 0
    for reservation in active:
        _end(reservation, ReservationStatus.RELEASED, now=now)
        released += 1
    return released
