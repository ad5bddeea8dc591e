"""Beat tasks of the reports: thin, idempotent, clock read here once."""
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import rollup


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_report_rollup():
    """Every few minutes: today, yesterday and the days of tickets changed since the last run."""
    return rollup.refresh(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_report_rollup_window():
    """Nightly: the whole repair-warranty window (a reopen can still change those days)."""
    today = timezone.localdate(timezone.now())
    return rollup.refresh_days(today - timedelta(days=rollup.nightly_window_days()), today)
