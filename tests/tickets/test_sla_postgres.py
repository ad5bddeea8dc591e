"""The sweep on PostgreSQL: concurrent sweeps, the index it uses, and a real Celery
worker with beat on Redis raising an escalation."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from staff.models import Notification
from tests.conftest import requires_postgres
from tickets import choices, escalations
from tickets.models import Escalation, SlaClock

SH = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _sweep_in_thread(now, results, barrier):
    try:
        barrier.wait()
        results.append(escalations.sweep(now=now))
    finally:
        connection.close()


def test_two_concurrent_sweeps_raise_each_escalation_once(make_ticket, supervisor, dispatcher):
    tickets = [make_ticket(now=datetime(2026, 11, 23, 9, tzinfo=SH)) for _ in range(20)]
    results, barrier = [], threading.Barrier(3)
    threads = [threading.Thread(target=_sweep_in_thread, args=(datetime(2026, 11, 23, 13, 5, tzinfo=SH),
                                                                  results, barrier)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 40  # warning + level 1 for each of 20 tickets, split between sweeps
    assert Escalation.objects.count() == 40
    assert Notification.objects.filter(recipient=supervisor).count() == 20
    assert Notification.objects.filter(recipient=dispatcher).count() == 20
    for ticket in tickets:
        assert ticket.events.filter(kind__in=["sla_warning", "escalation"]).count() == 2


def test_the_sweep_query_uses_the_partial_index(make_ticket):
    make_ticket(now=datetime(2026, 11, 23, 9, tzinfo=SH))
    queryset = SlaClock.objects.filter(next_due_at__lte=timezone.now()).order_by("next_due_at").values("pk")[:5000]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # tiny table: make the planner show its index choice
        plan = queryset.explain()
        cursor.execute("RESET enable_seqscan")
    assert "clock_next_due_idx" in plan


@pytest.fixture
def celery_worker_with_beat(tmp_path):
    """A real worker process with embedded beat, on Redis, against the test database."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "SLA_SWEEP_SECONDS": "1", "VAR_DIR": str(tmp_path),
           "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
           "DJANGO_SETTINGS_MODULE": "aftersales.settings_test", "CELERY_BROKER_URL": ""}
    env["CELERY_BROKER_URL"] = env["REDIS_URL"].rsplit("/", 1)[0] + "/15"  # a queue of its own
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aftersales", "worker", "-B", "--loglevel=info",
         "--concurrency=1", "--pool=solo", "-s", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield process, tmp_path / "worker.log"
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def test_a_real_worker_with_beat_raises_the_escalation(make_ticket, supervisor, celery_worker_with_beat):
    _, log_path = celery_worker_with_beat
    ticket = make_ticket(now=timezone.now() - timedelta(hours=5), priority=choices.Priority.CRITICAL)  # 24×7
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if Escalation.objects.filter(ticket=ticket, level="level_1").exists():
            break
        time.sleep(1)
    else:
        pytest.fail("no escalation raised by the worker; its log:\n" + log_path.read_text()[-3000:])
    assert set(Escalation.objects.filter(ticket=ticket).values_list("level", flat=True)) == {"warning", "level_1"}
    assert Notification.objects.filter(recipient=supervisor, kind="escalation").count() == 1
    time.sleep(3)  # further beats must not raise anything twice
    assert Escalation.objects.filter(ticket=ticket).count() == 2
