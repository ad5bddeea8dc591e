"""Fault injection: the server cuts the web process's persistent database connection
(pg_terminate_backend, failover, idle timeout). The next requests must not fail."""
import psycopg2
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections, connection

from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _terminate(pid):
    db = settings.DATABASES["default"]
    killer = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                              host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_requests_after_the_connection_is_cut_succeed(client, supervisor):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # persistent connections, as in production
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
    supervisor.set_password("pw-123456789")
    supervisor.save()
    statuses = []
    for attempt in range(3):
        _terminate(_backend_pid())
        # What the handler does at the start of every real request (the test client skips it).
        request_started.send(sender=None)
        close_old_connections()
        response = client.post("/login/", {"username": "supervisor", "password": "pw-123456789"})
        statuses.append(response.status_code)
        statuses.append(client.get("/tickets/").status_code)
        client.post("/logout/")
    assert statuses == [302, 200] * 3
