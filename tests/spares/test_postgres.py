"""PostgreSQL-only: real concurrent transactions on the ledger and the RMA sweep."""
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from spares import services, sweep
from spares.exceptions import OutOfStock
from spares.models import MoveKind, Rma, RmaMilestone, RmaReminder, StockBalance, StockMove
from staff.models import Notification
from tickets.models import Escalation, TicketEvent
from tests.conftest import requires_postgres

from .conftest import PartFactory, VendorFactory, WarehouseFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _run_together(functions):
    results, barrier = [], threading.Barrier(len(functions))

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 — the refusal is the result under test
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_people_issuing_the_last_unit_at_once_one_wins(spares_admin, make_ticket, now):
    part, place = PartFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    tickets = [make_ticket(), make_ticket()]

    def issue(ticket):
        return lambda: services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=place,
                                           ticket=ticket, by=spares_admin, now=now)

    results = _run_together([issue(t) for t in tickets])
    assert sorted(type(r).__name__ for r in results) == ["OutOfStock", "StockMove"]
    assert StockBalance.objects.get(part=part, warehouse=place).quantity == 0
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1


def test_many_concurrent_issues_and_transfers_never_go_negative(spares_admin, make_ticket, now):
    part, a, b = PartFactory(), WarehouseFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=a, quantity=5, by=spares_admin, now=now)
    ticket = make_ticket()
    jobs = [lambda: services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=a,
                                        ticket=ticket, by=spares_admin, now=now) for _ in range(4)]
    jobs += [lambda: services.transfer_stock(part=part, from_warehouse=a, to_warehouse=b, quantity=1,
                                             by=spares_admin, now=now) for _ in range(4)]
    results = _run_together(jobs)
    assert sum(isinstance(r, StockMove) for r in results) == 5
    assert all(isinstance(r, (StockMove, OutOfStock)) for r in results)
    assert StockBalance.objects.get(part=part, warehouse=a).quantity == 0
    issued = StockMove.objects.filter(kind=MoveKind.ISSUE).count()
    assert StockBalance.objects.get(part=part, warehouse=b).quantity == 5 - issued


def test_concurrent_sweeps_escalate_each_missed_milestone_once(spares_admin, supervisor, make_ticket):
    shipped = datetime(2026, 11, 2, 10, tzinfo=SH)
    for _ in range(10):
        ticket = make_ticket(now=shipped - timedelta(days=1))
        rma = services.create_rma(ticket, vendor=VendorFactory(), reason="Board fault", by=spares_admin,
                                  now=shipped - timedelta(hours=1))
        RmaMilestone.objects.filter(rma=rma).update(completed_at=shipped)  # shipped on time
        from spares.models import MilestoneKind
        from spares.milestones import follow_up_dues
        from spares.services.rma import center_calendar
        RmaMilestone.objects.bulk_create([RmaMilestone(rma=rma, kind=k, due_at=d) for k, d in
                                          follow_up_dues(shipped, center_calendar()).items()
                                          if k != MilestoneKind.DAY_30])
    at = shipped + timedelta(days=8)  # receipt (day 3) and day 7 missed
    # Small batches, so the sweeps interleave batch by batch (SKIP LOCKED splits the work).
    results = _run_together([lambda: sweep.sweep(now=at, batch_size=3) for _ in range(3)])
    assert sum(r[0] for r in results) == 20, results
    assert RmaMilestone.objects.filter(escalated_at__isnull=False).count() == 20
    assert Escalation.objects.filter(rma__isnull=False).count() == 20
    assert Notification.objects.filter(recipient=supervisor).count() == 20
    assert TicketEvent.objects.filter(kind="escalation", data__text="rma_missed").count() == 20
    assert sweep.sweep(now=at + timedelta(hours=1)) == (0, 0)


def test_concurrent_sweeps_send_each_days_reminder_once(spares_admin, purchasing, make_ticket):
    """Twelve units 35 days at the vendor on a working day: three sweeps at once send each
    RMA's reminder once (one RmaReminder, one escalation row, one event, one inbox row each)."""
    at = datetime(2026, 12, 8, 10, tzinfo=SH)  # a Tuesday
    shipped = at - timedelta(days=35)
    for _ in range(12):
        ticket = make_ticket(now=shipped - timedelta(days=1))
        rma = services.create_rma(ticket, vendor=VendorFactory(), reason="Board fault", by=spares_admin,
                                  now=shipped - timedelta(hours=1))
        Rma.objects.filter(pk=rma.pk).update(status="shipped", shipped_at=shipped, top_priority=True,
                                             next_reminder_at=at - timedelta(days=3))
        RmaMilestone.objects.filter(rma=rma).update(completed_at=shipped)
        RmaMilestone.objects.create(rma=rma, kind="day_30", due_at=shipped + timedelta(days=30), escalated_at=at)
    results = _run_together([lambda: sweep.sweep(now=at, batch_size=5) for _ in range(3)])
    assert sum(r[1] for r in results) == 12, results
    assert RmaReminder.objects.count() == 12
    assert Escalation.objects.filter(rma_milestone="reminder", reminder_day=at.date()).count() == 12
    assert TicketEvent.objects.filter(data__text="rma_reminder").count() == 12
    assert Notification.objects.filter(recipient=purchasing, text="rma_reminder").count() == 12
    assert sweep.sweep(now=at + timedelta(hours=3)) == (0, 0)
