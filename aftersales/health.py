"""Health endpoints for operators (django-health-check): the web process, the database,
the broker and the age of the last SLA sweep.

- `/health/live/`: the web process answers (no dependencies; for liveness probes).
- `/health/`: database, broker and sweep; 500 when one of them fails. `?format=json` or
  `Accept: application/json` for machines.
"""
import dataclasses
import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from csp.constants import UNSAFE_INLINE
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the local file-system broker)."""

    timeout = datetime.timedelta(seconds=5)

    def run(self):
        from aftersales.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class SlaSweep(HealthCheck):
    """The SLA sweep ran recently (a dead worker or beat stops escalations silently)."""

    def run(self):
        from tickets.selectors import sweep_status

        status = sweep_status(now=timezone.now())
        if status["last_run"] is None:
            raise ServiceUnavailable("the SLA sweep has never run")
        if status["age"].total_seconds() > status["stale_after_seconds"]:
            raise ServiceUnavailable(f"last SLA sweep {int(status['age'].total_seconds())} s ago")


CHECKS = ["health_check.checks.Database", "aftersales.health.Broker", "aftersales.health.SlaSweep"]


class HealthView(HealthCheckView):
    checks = CHECKS

    async def dispatch(self, request, *args, **kwargs):
        response = await super().dispatch(request, *args, **kwargs)
        # The library's HTML page carries a <style> element: inline styles here only.
        response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response


def live(request):
    return HttpResponse("ok", content_type="text/plain")


__all__ = ["Broker", "SlaSweep", "CHECKS", "HealthView", "live", "settings"]
