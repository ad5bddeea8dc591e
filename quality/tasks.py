"""Celery tasks of the quality department: thin, idempotent, clock read here once."""
from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def complaint_sweep():
    """Every minute (beat): raise due complaint reply warnings/escalations, each once."""
    from .deadlines import sweep

    return sweep(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def draw_last_month_qa_sample():
    """On the 1st of each month (beat): the QA sample of the month that just ended."""
    from .services import draw_sample

    now = timezone.now()
    first_of_this_month = timezone.localdate(now).replace(day=1)
    last_month = (first_of_this_month - timezone.timedelta(days=1)).replace(day=1)
    return draw_sample(last_month, now=now)
