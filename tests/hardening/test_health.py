"""Health endpoints (issue 8 item 3) and the sweep's last run and lag for supervisors."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import choices
from tickets.models import SweepRun
from tickets.tasks import sla_sweep

# The checks run in a thread with its own connection: committed data only.
pytestmark = pytest.mark.django_db(transaction=True)


def test_liveness_needs_nothing(client):
    assert client.get("/health/live/").content == b"ok"


def test_health_is_red_until_the_sweep_has_run_and_green_after(client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    body = response.json()
    assert any("Database" in name for name in body) and any("Broker" in name for name in body)
    sla_sweep()
    assert client.get("/health/", HTTP_ACCEPT="application/json").status_code == 200


def test_a_stale_sweep_turns_health_red(client):
    sla_sweep()
    SweepRun.objects.update(finished_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500 and "SlaSweep" in str(response.json())


def test_a_broker_that_is_down_turns_health_red(client, settings):
    sla_sweep()
    from aftersales.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health/", HTTP_ACCEPT="application/json")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 500 and "Broker" in str(response.json())


def test_supervisors_see_the_last_run_and_the_lag(client, supervisor, make_ticket, now):
    make_ticket(now=now - timedelta(hours=5), priority=choices.Priority.CRITICAL)  # due, not swept yet
    client.force_login(supervisor)
    page = client.get("/staff/system/").content.decode()
    assert "never" in page and "not running" in page
    sla_sweep()
    page = client.get("/staff/system/").content.decode()
    assert "s ago" in page and "nothing due" in page


def test_others_do_not(client, engineer):
    client.force_login(engineer)
    assert client.get("/staff/system/").status_code == 403
