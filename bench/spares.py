"""Spare-parts benchmarks (issue 9): the stock-balance query at 1M ledger moves and the
RMA sweep with 10,000 open RMAs. Separate from `python -m bench` (its own database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/as_bench9 .venv/bin/python -m bench.spares \
        [--moves 1000000] [--rmas 10000] [--due 100,1000,10000] [--repeat 200] [--skip-ledger]

Needs PostgreSQL (default database `as_bench9`, created and migrated if missing). Prints
one JSON object with the figures and the EXPLAIN ANALYZE of the balance queries."""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/as_bench9"
PARTS, WAREHOUSES = 1000, 50


def _ms(samples):
    samples = sorted(samples)
    return {"p50_ms": round(statistics.median(samples) * 1000, 3),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 3)}


def _timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def seed_ledger(moves, user_id):
    """`moves` moves over PARTS × WAREHOUSES places (each place: 3 receipts of 2, then a scrap of 1),
    then the stored balances from them, all inside PostgreSQL."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE spares_stockmove, spares_stockbalance, spares_reservation, spares_defectivereturn,"
                  " spares_part, spares_warehouse RESTART IDENTITY CASCADE")
        c.execute("""INSERT INTO spares_part (part_number, name, category, unit_cost, reorder_point, is_active)
                     SELECT 'P-' || lpad(g::text, 6, '0'), 'Part ' || g, 'other', 10 + g %% 90, 5, true
                     FROM generate_series(1, %s) g""", [PARTS])
        c.execute("""INSERT INTO spares_warehouse (code, name, kind, is_active)
                     SELECT 'W' || g, 'Warehouse ' || g, 'service_point', true FROM generate_series(1, %s) g""",
                  [WAREHOUSES])
        c.execute("""
            INSERT INTO spares_stockmove (kind, part_id, quantity, condition, from_warehouse_id, to_warehouse_id,
                                          unit_cost, note, by_id, at)
            SELECT CASE WHEN (g / (%(parts)s * %(wh)s)) %% 4 = 3 THEN 'scrap' ELSE 'receipt' END, 1 + g %% %(parts)s,
                   CASE WHEN (g / (%(parts)s * %(wh)s)) %% 4 = 3 THEN 1 ELSE 2 END, 'good',
                   CASE WHEN (g / (%(parts)s * %(wh)s)) %% 4 = 3 THEN 1 + (g / %(parts)s) %% %(wh)s END,
                   CASE WHEN (g / (%(parts)s * %(wh)s)) %% 4 = 3 THEN NULL ELSE 1 + (g / %(parts)s) %% %(wh)s END,
                   10, '', %(user)s, now() - interval '400 days' + g * interval '30 seconds'
            FROM generate_series(1, %(moves)s) g""", {"parts": PARTS, "wh": WAREHOUSES, "user": user_id,
                                                     "moves": moves})
        c.execute("""
            INSERT INTO spares_stockbalance (part_id, warehouse_id, condition, quantity, reserved)
            SELECT part_id, w, 'good', sum(q), 0 FROM (
                SELECT part_id, to_warehouse_id w, quantity q FROM spares_stockmove WHERE to_warehouse_id IS NOT NULL
                UNION ALL
                SELECT part_id, from_warehouse_id, -quantity FROM spares_stockmove WHERE from_warehouse_id IS NOT NULL
            ) m GROUP BY part_id, w""")
        c.execute("ANALYZE")


def bench_ledger(moves, repeat, user):
    from django.db import connection
    from django.db.models import Sum

    from spares import selectors, services
    from spares.models import Condition, Part, StockBalance, Warehouse

    started = time.perf_counter()
    seed_ledger(moves, user.pk)
    seeded = time.perf_counter() - started
    rng = random.Random(9)
    places = [(Part(pk=rng.randint(1, PARTS)), Warehouse(pk=rng.randint(1, WAREHOUSES))) for _ in range(repeat)]
    pick = iter(places * 3)
    stored = _timed(lambda: _stored(next(pick)), repeat)
    ledger = _timed(lambda: selectors.balance_from_ledger(*next(pick), Condition.GOOD), repeat)
    part, place = places[0]
    queryset = StockBalance.objects.filter(part=part, warehouse=place, condition="good").order_by()
    moves_in = selectors.StockMove.objects.filter(part=part, condition="good", to_warehouse=place).order_by()
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("""SELECT count(*) FROM spares_stockbalance b WHERE b.quantity <> (
            SELECT coalesce(sum(CASE WHEN m.to_warehouse_id = b.warehouse_id THEN m.quantity ELSE -m.quantity END), 0)
            FROM spares_stockmove m WHERE m.part_id = b.part_id AND m.condition = b.condition
              AND (m.to_warehouse_id = b.warehouse_id OR m.from_warehouse_id = b.warehouse_id))""")
        mismatched = c.fetchone()[0]
    audit = time.perf_counter() - started
    admin = user
    real_part, real_place = Part.objects.get(pk=part.pk), Warehouse.objects.get(pk=place.pk)
    now = datetime.now().astimezone()
    issue = _timed(lambda: services.receive_stock(part=real_part, warehouse=real_place, quantity=1, by=admin,
                                                  now=now), 50)
    return {
        "moves": moves, "seed_s": round(seeded, 1),
        "stored_balance": _ms(stored), "balance_from_ledger": _ms(ledger),
        "apply_move_receipt": _ms(issue), "full_audit_s": round(audit, 2), "audit_mismatches": mismatched,
        "explain_stored": queryset.explain(analyze=True),
        "explain_ledger_in": moves_in.values("part").annotate(n=Sum("quantity")).values("n").explain(analyze=True),
    }


def _stored(place):
    from spares.models import StockBalance

    return StockBalance.objects.get(part_id=place[0].pk, warehouse_id=place[1].pk, condition="good")


def seed_rmas(count, due, reminders, user_id, now):
    """`count` shipped RMAs of as many tickets; `due` of them with a milestone just past
    due, `reminders` of them 35 days out (a reminder owed today); the rest in the future."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE spares_rmareminder, spares_rmamilestone, spares_rma, spares_vendor, tickets_escalation,"
                  " tickets_slaclock, tickets_ticketevent, tickets_ticket, tickets_customerphone, tickets_customer,"
                  " staff_notification RESTART IDENTITY CASCADE")
        c.execute("""INSERT INTO tickets_customer (name, email, address, area, customer_type, is_vip, notes, created_at)
                     SELECT 'Customer ' || g, '', '', 'urban', 'consumer', false, '', now()
                     FROM generate_series(1, 1000) g""")
        c.execute("""
            INSERT INTO tickets_ticket (number, customer_id, channel, category, service_type, priority,
                fault_description, fault_kind, warranty_status, is_doa, status, hold_reason, held_from, outcome,
                close_reason, cancel_reason, is_repeat, reopen_count, created_at, special_circumstance,
                travel_minutes, sla_warned, sla_breached, updated_at, legacy_ref)
            SELECT 'SR-2026-' || lpad(g::text, 7, '0'), 1 + g %% 1000, 'phone', 'repair', 'carry_in', 'normal',
                '', '', 'in_warranty', false, 'new', '', '', '', '', '', false, 0, now(), '', 0, false, false,
                now(), '' FROM generate_series(1, %s) g""", [count])
        c.execute("""INSERT INTO spares_vendor (code, name, contact_name, phone, email, address)
                     SELECT 'V' || g, 'Vendor ' || g, '', '', '', '' FROM generate_series(1, 20) g""")
        # Shipped 1–25 days before `now`, or 35 days for the first `reminders` RMAs.
        c.execute("""
            INSERT INTO spares_rma (ticket_id, vendor_id, reason, is_doa, status, received_at, carrier,
                tracking_number, shipped_at, cost, top_priority, return_note, write_off_reason, created_by_id,
                created_at)
            SELECT t.id, 1 + t.id %% 20, 'bench', false, 'shipped', s - interval '2 hours', 'SF', 'T' || t.id, s, 0,
                   false, '', '', %(user)s, s
            FROM (SELECT id, CASE WHEN id <= %(rem)s THEN %(now)s - interval '35 days'
                                  ELSE %(now)s - (1 + id %% 25) * interval '1 day' END s
                  FROM tickets_ticket) t""", {"user": user_id, "rem": reminders, "now": now})
        c.execute("""
            INSERT INTO spares_rmamilestone (rma_id, kind, due_at, completed_at, note, escalated_at, cancelled)
            SELECT r.id, k.kind, r.shipped_at + k.days * interval '1 day',
                   CASE WHEN r.shipped_at + k.days * interval '1 day' <= %(now)s AND k.kind <> 'day_30'
                        THEN r.shipped_at + interval '1 hour' END, '',
                   CASE WHEN k.kind = 'day_30' AND r.shipped_at + k.days * interval '1 day' <= %(now)s
                        THEN %(now)s - interval '5 days' END, false
            FROM spares_rma r CROSS JOIN (VALUES ('shipped', 0), ('receipt', 3), ('day_7', 7), ('day_15', 15),
                                                 ('day_30', 30)) k(kind, days)""", {"now": now})
        c.execute("UPDATE spares_rma SET top_priority = true WHERE shipped_at < %s - interval '30 days'", [now])
        c.execute("""UPDATE spares_rma r SET next_reminder_at = date_trunc('day', m.due_at AT TIME ZONE 'Asia/Shanghai')
                         AT TIME ZONE 'Asia/Shanghai' + interval '1 day'
                     FROM spares_rmamilestone m WHERE m.rma_id = r.id AND m.kind = 'day_30'""")
        c.execute("ANALYZE")


def make_due(due, reminders, now):
    """`due` day-15 milestones just missed and `reminders` RMAs owed today's reminder (the
    other 35-day RMAs were reminded already); earlier RMA escalations and their rows gone."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DELETE FROM spares_rmareminder")
        c.execute("DELETE FROM staff_notification")
        c.execute("DELETE FROM tickets_ticketevent")
        c.execute("DELETE FROM tickets_escalation WHERE rma_id IS NOT NULL")
        # The 35-day RMAs: `reminders` of them owed today, the others reminded already (next one tomorrow).
        c.execute("""UPDATE spares_rma SET next_reminder_at = CASE WHEN rank <= %s THEN %s - interval '5 days'
                                                              ELSE %s + interval '1 day' END
                     FROM (SELECT id AS rid, row_number() OVER (ORDER BY id) AS rank FROM spares_rma
                           WHERE shipped_at < %s - interval '31 days') r WHERE spares_rma.id = r.rid""",
                  [reminders, now, now, now])
        c.execute("""UPDATE spares_rmamilestone SET completed_at = NULL, escalated_at = NULL,
                     due_at = %s - interval '1 minute'
                     WHERE id IN (SELECT id FROM spares_rmamilestone WHERE kind = 'day_15' ORDER BY id LIMIT %s)""",
                  [now, due])
        c.execute("ANALYZE spares_rmamilestone, spares_rmareminder, spares_rma")


def bench_rma(count, dues, repeat, user):
    """The idle sweep over `count` open RMAs, then a sweep per N in `dues` with N items
    due: N/2 missed milestones and N/2 daily reminders (ms per item)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from zoneinfo import ZoneInfo

    from spares.models import RmaMilestone
    from spares.sweep import sweep

    local = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).replace(hour=10, minute=0, second=0, microsecond=0)
    while local.weekday() >= 5:  # a working day, so that reminders are owed
        local -= timedelta(days=1)
    started = time.perf_counter()
    most = max(dues) // 2
    seed_rmas(count, 0, min(most, count), user.pk, local)
    seeded = time.perf_counter() - started
    sweep(now=local)  # the first run sends today's reminders and raises what the seed left due
    with CaptureQueriesContext(connection) as idle_queries:
        sweep(now=local)
    idle = _timed(lambda: sweep(now=local), repeat)
    busy = []
    for n in dues:
        make_due(n - n // 2, n // 2, local)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            escalated, reminded = sweep(now=local)
            seconds = time.perf_counter() - started
        busy.append({"due_items": n, "escalated": escalated, "reminded": reminded, "ms": round(seconds * 1000, 1),
                     "ms_per_item": round(seconds * 1000 / max(escalated + reminded, 1), 3),
                     "queries": len(queries)})
    plan = (RmaMilestone.objects.filter(due_at__lte=local, completed_at__isnull=True, escalated_at__isnull=True,
                                        cancelled=False).order_by("due_at").values("pk")[:1]
            .explain(analyze=True))
    return {"open_rmas": count, "milestones": count * 5, "seed_s": round(seeded, 1),
            "idle_sweep": {**_ms(idle), "queries": len(idle_queries)}, "busy_sweeps": busy, "explain_idle_due": plan}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.spares")
    parser.add_argument("--moves", type=int, default=1_000_000)
    parser.add_argument("--rmas", type=int, default=10_000)
    parser.add_argument("--due", default="100,1000,10000",
                        help="items due per busy sweep, comma-separated (half missed milestones, half reminders)")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--skip-ledger", action="store_true", help="only the RMA sweep")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from staff import roles
    from tests.factories import UserFactory

    user = get_user_model().objects.filter(username="bench-spares").first() or UserFactory(
        username="bench-spares", roles=[roles.SPARES_ADMIN])
    result = {"ledger": None if args.skip_ledger else bench_ledger(args.moves, args.repeat, user),
              "rma": bench_rma(args.rmas, [int(n) for n in args.due.split(",")], args.repeat // 4, user)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
