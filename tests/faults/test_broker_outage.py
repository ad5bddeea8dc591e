"""Fault injection: a real Celery worker and beat ride out a Redis outage and catch up.

A private redis-server (port 6390, no persistence) is started for the test, stopped for
30 s while escalations fall due, and started again; the worker must still be running and
raise what fell due within two sweep intervals of the broker coming back, each once.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from staff.models import Notification
from tests.conftest import requires_postgres
from tickets import choices
from tickets.models import Escalation

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6390"))
SWEEP_SECONDS = 15
OUTAGE_SECONDS = 30

pytestmark = [
    requires_postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    def __init__(self, tmp_path):
        self.tmp_path, self.process = tmp_path, None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(50):
            if _port_open(REDIS_PORT):
                return
            time.sleep(0.1)
        raise RuntimeError("private redis did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        for _ in range(50):
            if not _port_open(REDIS_PORT):
                return
            time.sleep(0.1)


def _spawn(args, env, log_path):
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "aftersales", *args], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, log


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def broker_and_workers(tmp_path):
    if _port_open(REDIS_PORT):
        pytest.fail(f"port {REDIS_PORT} is taken; set FAULT_REDIS_PORT to a free port")
    redis = PrivateRedis(tmp_path)
    redis.start()
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "SLA_SWEEP_SECONDS": str(SWEEP_SECONDS), "VAR_DIR": str(tmp_path),
           "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0", "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
           "DJANGO_SETTINGS_MODULE": "aftersales.settings_test"}
    worker, worker_log = _spawn(["worker", "--loglevel=info", "--concurrency=1", "--pool=solo"], env,
                                tmp_path / "worker.log")
    beat, beat_log = _spawn(["beat", "--loglevel=info", "-s", str(tmp_path / "beat-schedule")], env,
                            tmp_path / "beat.log")
    try:
        yield redis, worker, beat, tmp_path
    finally:
        _stop(beat)
        _stop(worker)
        redis.stop()
        worker_log.close()
        beat_log.close()


def _logs(tmp_path):
    return "\n".join(f"--- {name}\n" + (tmp_path / name).read_text()[-3000:] for name in ("worker.log", "beat.log"))


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_the_worker_rides_out_a_30_second_redis_outage_and_catches_up(make_ticket, supervisor, broker_and_workers):
    redis, worker, beat, tmp_path = broker_and_workers
    assert _wait_for(lambda: "ready" in (tmp_path / "worker.log").read_text(), 60), _logs(tmp_path)
    # One sweep runs before the outage (nothing due yet), proving the pipeline works.
    early = make_ticket(now=timezone.now() - timedelta(hours=5), priority=choices.Priority.CRITICAL)
    assert _wait_for(lambda: Escalation.objects.filter(ticket=early, level="level_1").exists(),
                     SWEEP_SECONDS * 3), _logs(tmp_path)

    redis.stop()
    outage_started = time.monotonic()
    # Critical = 24×7, response 4 h: warning falls due now, level 1 ten seconds into the outage.
    late = [make_ticket(now=timezone.now() - timedelta(hours=4) + timedelta(seconds=10),
                        priority=choices.Priority.CRITICAL) for _ in range(3)]
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    assert worker.poll() is None, "the worker exited during the outage:\n" + _logs(tmp_path)
    assert beat.poll() is None, "beat exited during the outage:\n" + _logs(tmp_path)
    assert not Escalation.objects.filter(ticket__in=late).exists()  # nothing ran without a broker

    redis.start()
    caught_up = _wait_for(
        lambda: Escalation.objects.filter(ticket__in=late, level="level_1").count() == len(late), SWEEP_SECONDS * 2)
    assert caught_up, "escalations not raised within two sweep intervals of the broker coming back:\n" + _logs(
        tmp_path)
    time.sleep(SWEEP_SECONDS + 2)  # further sweeps must not raise anything twice
    for ticket in late:
        assert sorted(Escalation.objects.filter(ticket=ticket).values_list("level", flat=True)) == ["level_1", "warning"]
        assert ticket.events.filter(kind="escalation").count() == 1
    assert Notification.objects.filter(recipient=supervisor, kind="escalation").count() == 1 + len(late)
    assert worker.poll() is None and beat.poll() is None
