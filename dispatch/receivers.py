"""Dispatch reacts to ticket transitions: engineer status and depot completion rule."""
from django.dispatch import receiver

from tickets.signals import after_transition, before_transition

from . import services


@receiver(before_transition, dispatch_uid="dispatch-depot-completion")
def depot_completion_needs_passed_test(sender, ticket, action, data, **kwargs):
    if action == "complete":
        services.check_depot_completion(ticket, data.get("outcome"))


@receiver(after_transition, dispatch_uid="dispatch-engineer-status")
def engineer_status_follows_jobs(sender, ticket, action, now, previous_assignee=None, **kwargs):
    services.refresh_status(ticket.assignee, now=now)
    if previous_assignee is not None:
        services.refresh_status(previous_assignee, now=now)
