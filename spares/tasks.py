"""Celery tasks of the spare-parts department: thin, idempotent, clock read here once."""
from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def rma_sweep():
    """Every minute (beat): escalate missed RMA milestones once; daily reminders once a day."""
    from .sweep import sweep

    escalated, reminded = sweep(now=timezone.now())
    return {"escalated": escalated, "reminded": reminded}
