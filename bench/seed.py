"""Bulk data for benchmarks, generated inside PostgreSQL with generate_series (minutes,
not hours, for a million tickets). Most tickets are closed with stopped clocks; a small
share is open with running clocks whose deadlines lie in the future."""
import time

from django.db import connection

OPEN_SHARE = 0.01  # 1 % of tickets still open


def reset():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tickets_escalation, tickets_slaclock, tickets_ticketevent, tickets_servicereport,"
                       " tickets_ticket, tickets_customerphone, tickets_customer, staff_notification,"
                       " tickets_ticketsequence RESTART IDENTITY CASCADE")


def seed(tickets, *, customers=None):
    """Insert `tickets` tickets (and a response clock each) in one statement per table."""
    customers = customers or max(tickets // 10, 100)
    started = time.perf_counter()
    reset()
    open_from = int(tickets * (1 - OPEN_SHARE))
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO tickets_customer (name, email, address, area, customer_type, is_vip, notes, created_at)
            SELECT 'Customer ' || g, '', 'Road ' || g, (ARRAY['urban','suburban','remote'])[1 + g %% 3],
                   'consumer', false, '', now() FROM generate_series(1, %s) g""", [customers])
        cursor.execute("""
            INSERT INTO tickets_customerphone (customer_id, number, raw, label)
            SELECT id, '139' || lpad(id::text, 8, '0'), '139' || lpad(id::text, 8, '0'), '' FROM tickets_customer""")
        cursor.execute("""
            INSERT INTO tickets_ticket (number, customer_id, channel, category, service_type, priority,
                fault_description, fault_kind, warranty_status, is_doa, status, hold_reason, held_from, outcome,
                close_reason, cancel_reason, is_repeat, reopen_count, created_at, special_circumstance,
                travel_minutes, sla_warned, sla_breached, updated_at, response_due_at, closed_at, legacy_ref)
            SELECT 'SR-2025-' || lpad(g::text, 7, '0'), 1 + g %% %(customers)s, 'phone', 'repair', 'onsite',
                'normal', 'Bench fault ' || g, '', 'in_warranty', false,
                CASE WHEN g > %(open_from)s THEN 'new' ELSE 'closed' END, '', '',
                CASE WHEN g > %(open_from)s THEN '' ELSE 'answered' END, '', '', false, 0,
                now() - interval '400 days' + (g * interval '30 seconds'), '', 0, false, false, now(),
                now() + interval '1 day', CASE WHEN g > %(open_from)s THEN NULL ELSE now() END, ''
            FROM generate_series(1, %(tickets)s) g""", {"customers": customers, "open_from": open_from,
                                                          "tickets": tickets})
        cursor.execute("""
            INSERT INTO tickets_slaclock (ticket_id, kind, cycle, calendar_id, started_at, target, warn_at, due_at,
                level2_at, next_due_at, raised, stopped_at, outcome, elapsed, overrun)
            SELECT id, 'response', 0, NULL, created_at, interval '4 hours', created_at + interval '3 hours',
                created_at + interval '4 hours', created_at + interval '8 hours',
                CASE WHEN status = 'new' THEN now() + interval '1 day' END, 0,
                CASE WHEN status = 'new' THEN NULL ELSE created_at + interval '1 hour' END,
                CASE WHEN status = 'new' THEN '' ELSE 'met' END, NULL, NULL
            FROM tickets_ticket""")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def make_due(count, *, now):
    """Put `count` open tickets' clocks in the past, not yet raised: the sweep's work."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_escalation")
        cursor.execute("DELETE FROM staff_notification")
        cursor.execute("DELETE FROM tickets_ticketevent WHERE kind IN ('sla_warning', 'escalation')")
        cursor.execute("UPDATE tickets_slaclock SET raised = 0, next_due_at = now() + interval '1 day' "
                       "WHERE stopped_at IS NULL")
        cursor.execute("""
            UPDATE tickets_slaclock SET raised = 0, next_due_at = %s - interval '1 minute',
                   warn_at = %s - interval '1 minute', due_at = %s + interval '1 hour',
                   level2_at = %s + interval '5 hours'
            WHERE id IN (SELECT id FROM tickets_slaclock WHERE stopped_at IS NULL ORDER BY id LIMIT %s)""",
                       [now, now, now, now, count])
