"""Dispatch reacts to ticket transitions: engineer status and depot completion rule."""
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from staff import roles

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


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="dispatch-engineer-profile")
def engineer_profile_with_the_role(sender, instance, action, reverse, pk_set, **kwargs):
    """An engineer is on the board as soon as they get an engineer role (user.groups.add
    or group.user_set.add, the admin included), not only after their first login."""
    if action != "post_add" or not pk_set:
        return
    from django.contrib.auth.models import Group

    if reverse:  # group.user_set.add(users)
        if instance.name in roles.ENGINEER_ROLES:
            for user in get_user_model().objects.filter(pk__in=pk_set):
                services.ensure_engineer_profile(user, role=instance.name)
        return
    for name in Group.objects.filter(pk__in=pk_set, name__in=roles.ENGINEER_ROLES).values_list("name", flat=True):
        services.ensure_engineer_profile(instance, role=name)
