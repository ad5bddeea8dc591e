"""Celery tasks of the service center: thin, idempotent, clock read here once."""
from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def auto_close_completed_tickets():
    """Close tickets whose customer could not be reached for the callback (SPEC §3)."""
    return services.auto_close_unreachable(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sla_sweep():
    """Every minute (beat): raise due SLA warnings and escalations, each exactly once."""
    from .escalations import sweep
    from .selectors import record_sweep_run

    now = timezone.now()
    raised = sweep(now=now)
    record_sweep_run("sla_sweep", started_at=now, finished_at=timezone.now(), raised=raised)
    return raised
