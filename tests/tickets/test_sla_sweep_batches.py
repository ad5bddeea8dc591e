"""The set-based sweep (issue 12 item 4): batches, bulk writes, one transaction per
batch, e-mails after commit, a time budget with chained runs, pluggable clock kinds."""
import threading
import time
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from staff.models import Notification
from tests.conftest import requires_postgres
from tickets import escalations, tasks
from tickets.models import Escalation, SlaClock, Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, tzinfo=SH)
AFTER_BREACH = datetime(2026, 11, 23, 13, 5, tzinfo=SH)  # warning (12:00) and level 1 (13:00) due


@pytest.fixture
def eager_celery():
    from aftersales.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _tickets(make_ticket, n):
    return [make_ticket(now=MONDAY_9) for _ in range(n)]


def test_a_backlog_is_drained_in_batches_each_level_once(make_ticket, supervisor, dispatcher):
    tickets = _tickets(make_ticket, 5)
    result = escalations.sweep_batches(now=AFTER_BREACH, batch_size=2)
    assert (result.raised, result.batches, result.more) == (10, 3, False)
    assert Escalation.objects.count() == 10
    assert Notification.objects.filter(recipient=supervisor).count() == 5
    assert Notification.objects.filter(recipient=dispatcher, kind="warning").count() == 5
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        assert ticket.sla_warned and ticket.sla_breached
        assert ticket.events.filter(kind__in=["sla_warning", "escalation"]).count() == 2
    assert not SlaClock.objects.filter(next_due_at__lte=AFTER_BREACH).exists()
    assert escalations.sweep(now=AFTER_BREACH) == 0


def test_a_batch_costs_the_same_queries_whatever_its_size(make_ticket, supervisor, dispatcher):
    _tickets(make_ticket, 2)
    with CaptureQueriesContext(connection) as small:
        assert escalations.sweep(now=AFTER_BREACH) == 4
    _tickets(make_ticket, 12)
    with CaptureQueriesContext(connection) as large:
        assert escalations.sweep(now=AFTER_BREACH) == 24
    assert len(large.captured_queries) == len(small.captured_queries) <= 16


def test_the_time_budget_stops_after_a_batch_and_says_more_is_due(make_ticket):
    _tickets(make_ticket, 3)
    result = escalations.sweep_batches(now=AFTER_BREACH, batch_size=2, budget_seconds=0)
    assert (result.raised, result.batches, result.more) == (4, 1, True)
    assert escalations.sweep_batches(now=AFTER_BREACH, batch_size=2).raised == 2


def test_the_beat_task_chains_the_next_run_when_the_budget_ran_out(monkeypatch, db):
    more = escalations.SweepResult(raised=7, batches=3, more=True)
    monkeypatch.setattr(escalations, "sweep_batches", mock.Mock(return_value=more))
    with mock.patch.object(tasks.sla_sweep, "delay") as chained:
        assert tasks.sla_sweep() == 7
    chained.assert_called_once_with()
    from tickets.models import SweepRun

    assert SweepRun.objects.get(name="sla_sweep").raised == 7  # the heartbeat operators read
    budget = escalations.sweep_batches.call_args.kwargs["budget_seconds"]
    from django.conf import settings

    assert 0 < budget < settings.SLA_SWEEP_SECONDS
    escalations.sweep_batches.return_value = escalations.SweepResult(raised=1, batches=1)
    with mock.patch.object(tasks.sla_sweep, "delay") as chained:
        tasks.sla_sweep()
    chained.assert_not_called()


def test_emails_wait_for_the_commit(make_ticket, supervisor, mailoutbox, django_capture_on_commit_callbacks,
                                   eager_celery):
    _tickets(make_ticket, 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        escalations.sweep(now=AFTER_BREACH)
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.subject for m in mailoutbox if supervisor.email in m.to)[0].startswith("Level 1: Response clock")
    assert sum(supervisor.email in m.to for m in mailoutbox) == 2


def test_a_broker_outage_after_commit_loses_no_inbox_row(make_ticket, supervisor, django_capture_on_commit_callbacks):
    _tickets(make_ticket, 1)
    with mock.patch.object(tasks.send_notification_emails, "delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            assert escalations.sweep(now=AFTER_BREACH) == 2
    assert Notification.objects.filter(recipient=supervisor).count() == 1


def test_a_batch_that_dies_midway_leaves_nothing_behind(make_ticket, supervisor):
    """The kill test: everything of a batch is one transaction. A crash after the
    escalations, events and notifications were inserted (here: while advancing the clocks)
    rolls them back together, and the next sweep raises each level once."""
    ticket, = _tickets(make_ticket, 1)
    with mock.patch.object(escalations, "_save_clocks", side_effect=RuntimeError("worker killed")):
        with pytest.raises(RuntimeError):
            escalations.sweep(now=AFTER_BREACH)
    assert not Escalation.objects.exists()
    assert not TicketEvent.objects.filter(kind__in=["sla_warning", "escalation"]).exists()
    assert not Notification.objects.exists()
    assert SlaClock.objects.get(ticket=ticket, kind="response").raised == 0
    assert escalations.sweep(now=AFTER_BREACH) == 2
    assert escalations.sweep(now=AFTER_BREACH) == 0
    assert Escalation.objects.count() == 2 and Notification.objects.filter(recipient=supervisor).count() == 1


def test_a_new_clock_kind_brings_its_own_recipients_and_texts(make_ticket, supervisor, agent, monkeypatch):
    def texts(clock, level, threshold, escalation_id):
        params = {"number": clock.ticket.number, "level": level}
        return ({"kind": "escalation", "data": {"text": "rma_due", "params": params, "escalation": escalation_id}},
                {"kind": "escalation", "text": "rma_due", "params": params})

    monkeypatch.setattr(escalations, "_RULES", {})
    escalations.register_clock_kind("response", recipients=lambda clock, level, members: [agent], texts=texts)
    ticket, = _tickets(make_ticket, 1)
    assert escalations.sweep(now=AFTER_BREACH) == 2
    stored = sorted(Notification.objects.filter(recipient=agent).values_list("text", "params__level"))
    assert stored == [("rma_due", "level_1"), ("rma_due", "warning")]
    assert ticket.events.filter(data__text="rma_due").count() == 2
    assert not Notification.objects.filter(recipient=supervisor).exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_ticket_a_dispatcher_holds_instead_of_waiting(make_ticket):
    """Services lock the ticket, then its clocks; the sweep claims clock and ticket with
    SKIP LOCKED, so it neither waits nor deadlocks; the held clock goes in a later run."""
    held, free = _tickets(make_ticket, 2)
    locked, release = threading.Event(), threading.Event()

    def dispatcher_holds_ticket():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=dispatcher_holds_ticket)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        assert escalations.sweep(now=AFTER_BREACH) == 2
        assert time.monotonic() - started < 2
        assert set(Escalation.objects.values_list("ticket_id", flat=True)) == {free.pk}
    finally:
        release.set()
        thread.join()
    assert escalations.sweep(now=AFTER_BREACH) == 2
    assert Escalation.objects.filter(ticket=held).count() == 2


def test_a_clock_kind_may_read_more_of_its_clock_and_ticket_than_the_claim_did(make_ticket, agent, monkeypatch):
    """On PostgreSQL the claim reads a few columns into light objects; whatever else a
    registered kind reads (here the clock's cycle, the ticket's priority and channel) is
    loaded on first use."""
    def texts(clock, level, threshold, escalation_id):
        params = {"number": clock.ticket.number, "priority": clock.ticket.priority,
                  "channel": clock.ticket.channel, "cycle": clock.cycle}
        return ({"kind": "escalation", "data": {"text": "rma_due", "params": params, "escalation": escalation_id}},
                {"kind": "escalation", "text": "rma_due", "params": params})

    monkeypatch.setattr(escalations, "_RULES", {})
    escalations.register_clock_kind("response", recipients=lambda clock, level, members: [agent], texts=texts)
    ticket, = _tickets(make_ticket, 1)
    assert escalations.sweep(now=AFTER_BREACH) == 2
    params = Notification.objects.filter(recipient=agent).values_list("params", flat=True)
    assert {(p["priority"], p["channel"], p["cycle"]) for p in params} == {(ticket.priority, ticket.channel, 0)}
