"""Parts on tickets: issued at completion as ledger lines (from a van or warehouse),
unused parts returned, and the defective parts owed back to the desk (SPEC §3)."""
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import services as ticket_services
from tickets.choices import EventKind
from tickets.exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.services import log_event, require_perm

from ..models import Condition, DefectiveReturn, MoveKind, Reservation, ReservationStatus, WarehouseKind
from .ledger import apply_move

MAX_LINES = 20


@dataclass(frozen=True)
class PartLine:
    part: object
    quantity: int
    warehouse: object


def describe(lines):
    """The service report's text summary of the ledger lines."""
    return "; ".join(f"{line.quantity} × {line.part.part_number} {line.part.name} ({line.warehouse.code})"
                     for line in lines)


def _check_source(ticket, warehouse, by):
    """An engineer's van serves only its engineer's jobs; other warehouses serve all."""
    if warehouse.kind == WarehouseKind.VAN and warehouse.engineer_id not in (ticket.assignee_id, None):
        raise PermissionDenied(_("Van %(van)s belongs to another engineer.") % {"van": warehouse.code})
    if not warehouse.is_active:
        raise InvalidInput(_("Warehouse %(code)s is closed.") % {"code": warehouse.code})


@transaction.atomic
def issue_parts_for_ticket(ticket, lines, *, by, now, owe_defective=False):
    """Called in the completion's transaction (page and API): one ISSUE move per line,
    using the ticket's reservations first. With `owe_defective` (parts replaced on an
    onsite job) each line owes its defective part back to the desk."""
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("At most %(max)s part lines.") % {"max": MAX_LINES})
    moves = []
    for line in lines:
        _check_source(ticket, line.warehouse, by)
        held = _consume_reservations(ticket, line, now=now)
        move = apply_move(kind=MoveKind.ISSUE, part=line.part, quantity=line.quantity, from_warehouse=line.warehouse,
                          ticket=ticket, by=by, now=now, consume_reserved=held)
        if owe_defective:
            DefectiveReturn.objects.create(ticket=ticket, part=line.part, quantity=line.quantity, issue_move=move)
        moves.append(move)
    if moves:
        log_event(ticket, kind=EventKind.PART_USED, by=by, now=now, data={"moves": [m.pk for m in moves]},
                  text="parts_issued", params={"parts": describe(lines)})
    return moves


def _consume_reservations(ticket, line, *, now):
    """Mark this ticket's reservations of the line's part and place as used; return how
    many reserved units the issue may take from the reserved count."""
    held = 0
    reservations = (Reservation.objects.select_for_update()
                    .filter(ticket=ticket, part=line.part, warehouse=line.warehouse, status=ReservationStatus.ACTIVE)
                    .order_by("id"))
    for reservation in reservations:
        if held + reservation.quantity > line.quantity:
            break
        held += reservation.quantity
        reservation.status, reservation.ended_at = ReservationStatus.CONSUMED, now
        reservation.save(update_fields=["status", "ended_at"])
    return held


@transaction.atomic
def return_unused_part(ticket, *, part, warehouse, quantity, by, now, note=""):
    require_perm(by, "spares.add_stockmove")
    issued = sum(ticket.stock_moves.filter(kind=MoveKind.ISSUE, part=part).values_list("quantity", flat=True))
    returned = sum(ticket.stock_moves.filter(kind=MoveKind.RETURN, part=part).values_list("quantity", flat=True))
    if quantity > issued - returned:
        raise InvalidInput(_("Only %(count)s of this part were issued to the ticket and not returned.") % {
            "count": issued - returned})
    return apply_move(kind=MoveKind.RETURN, part=part, quantity=quantity, to_warehouse=warehouse, ticket=ticket,
                      by=by, now=now, note=note)


@transaction.atomic
def receive_defective_parts(ticket, *, warehouse, by, now, note=""):
    """The desk received the defective parts owed by `ticket`: a DEFECTIVE_RETURN move per
    part into `warehouse`, and the ticket's part-return clock stops."""
    require_perm(by, "spares.add_stockmove")
    owed = list(DefectiveReturn.objects.select_for_update().select_related("part")
                .filter(ticket=ticket, received_at__isnull=True).order_by("id"))
    if not owed:
        raise TransitionNotAllowed(_("No defective part is due back for %(number)s.") % {"number": ticket.number})
    for item in owed:
        item.received_move = apply_move(
            kind=MoveKind.DEFECTIVE_RETURN, part=item.part, quantity=item.quantity, to_warehouse=warehouse,
            condition=Condition.DEFECTIVE, ticket=ticket, by=by, now=now, note=note)
        item.received_at = now
        item.save(update_fields=["received_move", "received_at"])
    names = ", ".join(f"{item.quantity} × {item.part.part_number}" for item in owed)
    try:
        ticket_services.receive_defective_part(ticket, by=by, now=now, note=names)  # part numbers: no language
    except TransitionNotAllowed:
        pass  # no running clock (e.g. not an onsite job): the ledger still records the return
    return owed


@transaction.atomic
def complete_with_parts(ticket, *, by, now, part_lines=(), parts_used="", parts_replaced=False, **fields):
    """The ticket's completion (tickets.services.complete, unchanged) and the parts it
    used, in one transaction: out of stock refuses the completion too."""
    from tickets.clocks import is_onsite

    part_lines = list(part_lines or ())
    owed = "; ".join(f"{line.quantity} × {line.part.part_number} {line.part.name}" for line in part_lines)
    ticket = ticket_services.complete(ticket, by=by, now=now, parts_used=describe(part_lines) or parts_used,
                                      parts_replaced=parts_replaced, part_owed=owed, **fields)
    issue_parts_for_ticket(ticket, part_lines, by=by, now=now, owe_defective=parts_replaced and is_onsite(ticket))
    return ticket
