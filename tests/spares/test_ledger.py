"""The stock ledger: every balance equals the sum of its moves and never goes negative."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from spares import selectors, services
from spares.exceptions import OutOfStock
from spares.models import Condition, MoveKind, ReservationStatus, StockBalance, StockMove
from tickets.exceptions import InvalidInput, PermissionDenied

from .conftest import PartFactory, WarehouseFactory


def _balance(part, warehouse, condition=Condition.GOOD):
    row = StockBalance.objects.filter(part=part, warehouse=warehouse, condition=condition).first()
    return (row.quantity, row.reserved) if row else (0, 0)


def test_receipt_issue_and_transfer_keep_balances(spares_admin, part, warehouse, make_ticket, now):
    van = WarehouseFactory()
    services.receive_stock(part=part, warehouse=warehouse, quantity=5, by=spares_admin, now=now)
    services.transfer_stock(part=part, from_warehouse=warehouse, to_warehouse=van, quantity=2, by=spares_admin, now=now)
    services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=van, ticket=make_ticket(),
                        by=spares_admin, now=now)
    assert _balance(part, warehouse) == (3, 0)
    assert _balance(part, van) == (1, 0)
    assert selectors.balance_from_ledger(part, van, Condition.GOOD) == 1


def test_issue_of_more_than_on_hand_is_refused(spares_admin, part, warehouse, make_ticket, now):
    services.receive_stock(part=part, warehouse=warehouse, quantity=1, by=spares_admin, now=now)
    with pytest.raises(OutOfStock):
        services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=2, from_warehouse=warehouse,
                            ticket=make_ticket(), by=spares_admin, now=now)
    assert _balance(part, warehouse) == (1, 0)
    assert StockMove.objects.count() == 1


def test_database_refuses_a_negative_balance(part, warehouse):
    StockBalance.objects.create(part=part, warehouse=warehouse, quantity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(part=part).update(quantity=-1)


def test_stocktake_books_the_difference(spares_admin, part, warehouse, now):
    services.receive_stock(part=part, warehouse=warehouse, quantity=5, by=spares_admin, now=now)
    move = services.stocktake(part=part, warehouse=warehouse, counted=3, by=spares_admin, now=now)
    assert (move.kind, move.quantity, move.from_warehouse) == (MoveKind.ADJUSTMENT, 2, warehouse)
    assert services.stocktake(part=part, warehouse=warehouse, counted=3, by=spares_admin, now=now) is None
    services.stocktake(part=part, warehouse=warehouse, counted=7, by=spares_admin, now=now)
    assert _balance(part, warehouse) == (7, 0)


def test_reserved_parts_cannot_be_issued_to_another_ticket(spares_admin, part, warehouse, make_ticket, now):
    services.receive_stock(part=part, warehouse=warehouse, quantity=1, by=spares_admin, now=now)
    mine, other = make_ticket(), make_ticket()
    services.reserve_part(mine, part=part, warehouse=warehouse, quantity=1, by=spares_admin, now=now)
    with pytest.raises(OutOfStock):
        services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=warehouse, ticket=other,
                            by=spares_admin, now=now)
    mine.refresh_from_db()
    assert mine.parts_requested_at == now
    assert _balance(part, warehouse) == (1, 1)


def test_reservation_is_released_when_the_ticket_is_cancelled(spares_admin, agent, part, warehouse, make_ticket,
                                                               now):
    from tickets import services as ticket_services

    services.receive_stock(part=part, warehouse=warehouse, quantity=2, by=spares_admin, now=now)
    ticket = make_ticket()
    reservation = services.reserve_part(ticket, part=part, warehouse=warehouse, quantity=2, by=spares_admin, now=now)
    ticket_services.cancel(ticket, by=agent, now=now + timedelta(minutes=5), reason="Customer bought a new one")
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert _balance(part, warehouse) == (2, 0)


def test_stocktake_below_reserved_is_refused(spares_admin, part, warehouse, make_ticket, now):
    services.receive_stock(part=part, warehouse=warehouse, quantity=2, by=spares_admin, now=now)
    services.reserve_part(make_ticket(), part=part, warehouse=warehouse, quantity=2, by=spares_admin, now=now)
    with pytest.raises(OutOfStock):
        services.stocktake(part=part, warehouse=warehouse, counted=1, by=spares_admin, now=now)


@pytest.mark.parametrize("quantity", [0, -3, 10**9])
def test_silly_quantities_are_refused(spares_admin, part, warehouse, now, quantity):
    with pytest.raises(InvalidInput):
        services.receive_stock(part=part, warehouse=warehouse, quantity=quantity, by=spares_admin, now=now)


def test_engineers_cannot_book_receipts(engineer, part, warehouse, now):
    with pytest.raises(PermissionDenied):
        services.receive_stock(part=part, warehouse=warehouse, quantity=1, by=engineer, now=now)


_OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["receipt", "issue", "transfer", "scrap", "stocktake", "reserve", "release", "defective"]),
    st.integers(0, 1), st.integers(0, 2), st.integers(0, 2), st.integers(0, 6)), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(operations=_OPERATIONS)
def test_any_sequence_of_moves_keeps_balances_equal_to_the_ledger(operations, spares_admin, make_ticket, now):
    """Property: whatever is attempted (refusals included), each balance equals the sum
    of its moves, reserved stays within on hand, and nothing is negative."""
    with transaction.atomic():
        parts = [PartFactory(), PartFactory()]
        places = [WarehouseFactory(), WarehouseFactory(), WarehouseFactory()]
        ticket = make_ticket()
        for name, p, a, b, qty in operations:
            try:
                _attempt(name, parts[p], places[a], places[b], qty, ticket=ticket, by=spares_admin, now=now)
            except (OutOfStock, InvalidInput):
                pass
        for balance in StockBalance.objects.all():
            assert 0 <= balance.reserved <= balance.quantity
            assert balance.quantity == selectors.balance_from_ledger(balance.part, balance.warehouse,
                                                                     balance.condition)
        transaction.set_rollback(True)


def _attempt(name, part, a, b, qty, *, ticket, by, now):
    kw = {"by": by, "now": now}
    if name == "receipt":
        services.receive_stock(part=part, warehouse=a, quantity=qty, **kw)
    elif name == "issue":
        services.issue_parts_for_ticket(ticket, [services.ticket_parts.PartLine(part, qty, a)], **kw)
    elif name == "transfer":
        services.transfer_stock(part=part, from_warehouse=a, to_warehouse=b, quantity=qty, **kw)
    elif name == "scrap":
        services.scrap_stock(part=part, warehouse=a, quantity=qty, condition=Condition.GOOD, **kw)
    elif name == "stocktake":
        services.stocktake(part=part, warehouse=a, counted=qty, **kw)
    elif name == "reserve":
        services.reserve_part(ticket, part=part, warehouse=a, quantity=qty, **kw)
    elif name == "release":
        reservation = ticket.reservations.filter(status=ReservationStatus.ACTIVE).first()
        if reservation:
            services.release_reservation(reservation, **kw)
    elif name == "defective":
        services.apply_move(kind=MoveKind.DEFECTIVE_RETURN, part=part, quantity=qty, to_warehouse=a,
                            condition=Condition.DEFECTIVE, ticket=ticket, **kw)
