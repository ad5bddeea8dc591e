"""The stock ledger: one function applies a move. It locks the balance rows it touches
(in warehouse order, so two moves never deadlock), checks the unreserved stock for the
friendly message, and the database's CHECK (quantity >= 0) is the last line."""
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.exceptions import InvalidInput
from tickets.services import require_perm

from ..exceptions import OutOfStock
from ..models import Condition, MoveKind, StockBalance, StockMove
from ..models.stock import MOVE_SIDES

MAX_QUANTITY = 100_000


def _locked_balances(part, condition, warehouses, *, create):
    """Balance rows of `part` in `warehouses`, locked; missing ones created at 0 first
    (ignore_conflicts: two creators at once end with one row)."""
    ids = sorted({w.pk for w in warehouses})
    if create:
        StockBalance.objects.bulk_create(
            [StockBalance(part=part, warehouse_id=pk, condition=condition) for pk in ids], ignore_conflicts=True)
    rows = (StockBalance.objects.select_for_update()
            .filter(part=part, condition=condition, warehouse_id__in=ids).order_by("warehouse_id"))
    return {row.warehouse_id: row for row in rows}


def _check_sides(kind, from_warehouse, to_warehouse):
    sides = MOVE_SIDES[kind]
    if sides is None:
        if bool(from_warehouse) == bool(to_warehouse):
            raise InvalidInput(_("A stocktake adjustment takes from or puts into exactly one warehouse."))
        return
    takes, puts = sides
    if bool(from_warehouse) != takes or bool(to_warehouse) != puts:
        raise InvalidInput(_("This kind of move needs %(sides)s.") % {"sides": _side_names(takes, puts)})
    if from_warehouse and to_warehouse and from_warehouse.pk == to_warehouse.pk:
        raise InvalidInput(_("Choose two different warehouses."))


def _side_names(takes, puts):
    if takes and puts:
        return _("a source and a destination warehouse")
    return _("a source warehouse only") if takes else _("a destination warehouse only")


@transaction.atomic
def apply_move(*, kind, part, quantity, by, now, from_warehouse=None, to_warehouse=None,
               condition=Condition.GOOD, ticket=None, rma=None, note="", consume_reserved=0):
    """Record one move and update the balances. `consume_reserved` units of the source
    balance were held for this ticket and are used up by the move."""
    if not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput(_("The quantity must be a whole number between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    _check_sides(kind, from_warehouse, to_warehouse)
    if kind == MoveKind.ISSUE and ticket is None:
        raise InvalidInput(_("A part is issued to a ticket."))
    places = [w for w in (from_warehouse, to_warehouse) if w]
    balances = _locked_balances(part, condition, places, create=to_warehouse is not None)
    if from_warehouse:
        source = balances.get(from_warehouse.pk)
        free = (source.available + consume_reserved) if source else 0
        if quantity > free:
            raise OutOfStock(_("Only %(free)s of %(part)s free in %(warehouse)s; %(quantity)s needed.") % {
                "free": max(free, 0), "part": part.part_number, "warehouse": from_warehouse.code,
                "quantity": quantity})
        source.quantity -= quantity
        source.reserved -= consume_reserved
        source.save(update_fields=["quantity", "reserved"])
    if to_warehouse:
        target = balances[to_warehouse.pk]
        target.quantity += quantity
        target.save(update_fields=["quantity"])
    return StockMove.objects.create(
        kind=kind, part=part, quantity=quantity, condition=condition, from_warehouse=from_warehouse,
        to_warehouse=to_warehouse, ticket=ticket, rma=rma, unit_cost=part.unit_cost, note=note.strip()[:500],
        by=by, at=now)


def receive_stock(*, part, warehouse, quantity, by, now, note=""):
    require_perm(by, "spares.add_stockmove")
    return apply_move(kind=MoveKind.RECEIPT, part=part, quantity=quantity, to_warehouse=warehouse,
                      by=by, now=now, note=note)


def transfer_stock(*, part, from_warehouse, to_warehouse, quantity, by, now, condition=Condition.GOOD, note=""):
    require_perm(by, "spares.add_stockmove")
    return apply_move(kind=MoveKind.TRANSFER, part=part, quantity=quantity, from_warehouse=from_warehouse,
                      to_warehouse=to_warehouse, condition=condition, by=by, now=now, note=note)


def scrap_stock(*, part, warehouse, quantity, by, now, condition=Condition.DEFECTIVE, note=""):
    require_perm(by, "spares.add_stockmove")
    return apply_move(kind=MoveKind.SCRAP, part=part, quantity=quantity, from_warehouse=warehouse,
                      condition=condition, by=by, now=now, note=note)


@transaction.atomic
def stocktake(*, part, warehouse, counted, by, now, condition=Condition.GOOD, note=""):
    """Bring the book in line with a physical count: one adjustment move of the
    difference (none when the count matches)."""
    require_perm(by, "spares.add_stockmove")
    if not isinstance(counted, int) or not 0 <= counted <= MAX_QUANTITY:
        raise InvalidInput(_("The count must be a whole number between 0 and %(max)s.") % {"max": MAX_QUANTITY})
    balance = _locked_balances(part, condition, [warehouse], create=True)[warehouse.pk]
    if counted < balance.reserved:
        raise OutOfStock(_("%(reserved)s are reserved for tickets; release them before counting fewer.") % {
            "reserved": balance.reserved})
    difference = counted - balance.quantity
    if difference == 0:
        return None
    side = {"to_warehouse": warehouse} if difference > 0 else {"from_warehouse": warehouse}
    return apply_move(kind=MoveKind.ADJUSTMENT, part=part, quantity=abs(difference), condition=condition,
                      by=by, now=now, note=note or _("Stocktake: counted %(counted)s") % {"counted": counted}, **side)
