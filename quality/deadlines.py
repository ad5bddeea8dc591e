"""The complaint reply sweep: the same guarantees as tickets.escalations.sweep, for
complaints (which are not tickets and have no SlaClock).

Only complaints whose `next_due_at` has passed are read (partial index
complaint_next_due_idx); each is handled in its own transaction under a row lock
(SKIP LOCKED on PostgreSQL); ComplaintEscalation is unique per (complaint, level), so
concurrent or retried sweeps never raise a level twice, and after downtime one sweep
raises every level that fell due meanwhile.
"""
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify

from .choices import REPLY_LEVEL_ORDER, ReplyLevel, Severity
from .models import Complaint, ComplaintEscalation

log = logging.getLogger(__name__)


def sweep(*, now, limit=2000):
    due = list(Complaint.objects.filter(next_due_at__lte=now).order_by("next_due_at")
               .values_list("pk", flat=True)[:limit])
    return sum(_sweep_one(pk, now=now) for pk in due)


def _sweep_one(pk, *, now):
    with transaction.atomic():
        complaint = (Complaint.objects.select_for_update(skip_locked=True, of=("self",))
                     .select_related("customer", "owner").filter(pk=pk, next_due_at__lte=now).order_by().first())
        if complaint is None:
            return 0
        created = 0
        for level, threshold in complaint.thresholds()[complaint.raised:]:
            if threshold > now:
                break
            created += _raise(complaint, level, threshold, now=now)
            complaint.raised = REPLY_LEVEL_ORDER.index(level) + 1
        remaining = complaint.thresholds()[complaint.raised:]
        complaint.next_due_at = remaining[0][1] if remaining and not complaint.replied_at else None
        complaint.save(update_fields=["raised", "next_due_at"])
        return created


def _raise(complaint, level, threshold, *, now):
    try:
        with transaction.atomic():
            ComplaintEscalation.objects.create(complaint=complaint, level=level, due_at=threshold, raised_at=now)
    except IntegrityError:
        log.info("complaint escalation %s/%s already raised", complaint.pk, level)
        return 0
    title = _("%(level)s: reply to complaint %(number)s") % {
        "level": ReplyLevel(level).label, "number": complaint.number}
    notify(recipients_for(complaint, level), title=title, now=now, link=complaint.get_absolute_url(),
           body=_("Customer: %(customer)s") % {"customer": complaint.customer.name}, email=True,
           kind=Notification.Kind.WARNING if level == ReplyLevel.WARNING else Notification.Kind.ESCALATION)
    return 1


def recipients_for(complaint, level):
    """Warning → the owner; level 1 → supervisors (and a major complaint's task force);
    level 2 → managers."""
    users = get_user_model().objects.filter(is_active=True)
    if level == ReplyLevel.WARNING:
        return [complaint.owner] if complaint.owner_id else list(users.filter(groups__name=roles.QUALITY).distinct())
    if level == ReplyLevel.LEVEL_1:
        found = {u.pk: u for u in users.filter(groups__name=roles.SUPERVISOR).distinct()}
        if complaint.severity == Severity.MAJOR:
            found.update({m.user_id: m.user for m in complaint.task_force.select_related("user")})
        return list(found.values())
    return list(users.filter(groups__name=roles.MANAGER).distinct())
