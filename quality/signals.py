"""Receivers: a new repair ticket is checked for a batch failure once its intake has
committed (so concurrent intakes see each other's rows)."""
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from tickets.models import Ticket


@receiver(post_save, sender=Ticket, dispatch_uid="quality-batch-failure-check")
def ticket_saved(sender, instance, created, **kwargs):
    if created and instance.fault_code_id and instance.unit_id:
        from .services.alerts import check_after_commit

        pk = instance.pk
        transaction.on_commit(lambda: check_after_commit(pk))
