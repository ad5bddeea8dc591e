"""The ticket page's spare-parts panel, drawn from this app so the tickets views need
no change: {% load spares_ui %}{% ticket_spares ticket %}."""
from django import template

from ..models import DefectiveReturn, Reservation, ReservationStatus, Warehouse, WarehouseKind

register = template.Library()


@register.inclusion_tag("spares/partials/ticket_spares.html", takes_context=True)
def ticket_spares(context, ticket):
    # A ticket read through spares.selectors.with_panel_flags says which parts have rows:
    # only those are read (without the flags, all are).
    def has(part):
        return getattr(ticket, f"spares_has_{part}", True)

    moves = list(ticket.stock_moves.select_related("part", "from_warehouse", "to_warehouse")
                 .order_by("at", "id")) if has("moves") else []
    owed = list(DefectiveReturn.objects.filter(ticket=ticket, received_at__isnull=True)
                .select_related("part")) if has("owed") else []
    issued = sum((m.value for m in moves if m.kind == "issue"), 0)
    returned = sum((m.value for m in moves if m.kind == "return"), 0)
    return {
        "ticket": ticket, "perms": context.get("perms"), "csrf_token": context.get("csrf_token"),
        "moves": moves, "parts_cost": issued - returned, "owed": owed,
        "warehouses": Warehouse.objects.exclude(kind=WarehouseKind.VAN).order_by("code") if owed else [],
        "reservations": list(Reservation.objects.filter(ticket=ticket, status=ReservationStatus.ACTIVE)
                             .select_related("part", "warehouse")) if has("reservations") else [],
        "rmas": list(ticket.rmas.select_related("vendor")) if has("rmas") else [],
        "quotes": list(ticket.quotes.prefetch_related("lines")) if has("quotes") else [],
        "reserve_form": _reserve_form(context, ticket),
    }


def _reserve_form(context, ticket):
    perms = context.get("perms")
    if ticket.is_open and perms is not None and perms["spares"]["add_reservation"]:
        from ..forms import ReserveForm

        return ReserveForm(auto_id="reserve_%s")
    return None
