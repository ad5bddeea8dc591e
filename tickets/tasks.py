"""Celery tasks of the service center: thin, idempotent, clock read here once."""
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def auto_close_completed_tickets():
    """Close tickets whose customer could not be reached: failed callback attempts logged
    on different working days (SPEC §3, issue 7 item 4)."""
    return services.auto_close_unreachable(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sla_sweep():
    """Every minute (beat): raise due SLA warnings and escalations, each exactly once.
    A backlog bigger than half the beat interval's work chains the next run at once, so
    no run outlives the interval and the next beat never queues behind a long one."""
    from .escalations import sweep_batches

    from .selectors import record_sweep_run

    now = timezone.now()
    result = sweep_batches(now=now, budget_seconds=settings.SLA_SWEEP_SECONDS / 2)
    record_sweep_run("sla_sweep", started_at=now, finished_at=timezone.now(), raised=result.raised)
    if result.more:
        sla_sweep.delay()
    return result.raised


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids):
    """The e-mail copies of inbox notifications, queued after the sweep committed."""
    from staff.services import email_notifications

    return email_notifications(notification_ids)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def load_statutory_holidays(country="CN"):
    """Yearly (beat): this year's and next year's holidays and make-up days into every
    business calendar; days already there (and admin edits) are kept."""
    from .services.holidays import calendars_for, load_holidays

    year = timezone.localdate().year
    added = 0
    for calendar in calendars_for():
        for one_year in (year, year + 1):
            result = load_holidays(calendar, country=country, year=one_year)
            added += result.holidays + result.workdays
    return added
