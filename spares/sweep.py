"""The RMA sweep (seed 002 milestones): escalate each missed milestone exactly once
and send the daily reminder for units 30+ days at a vendor, once per working day.

Exactly once comes from the database, not from hoping the sweep runs once: a milestone
is claimed by `UPDATE … SET escalated_at WHERE escalated_at IS NULL` (a concurrent
sweep waits on the row and then matches nothing), and a reminder is a row unique per
(RMA, day). Only due milestones are read (partial index milestone_due_idx).
"""
import logging
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets.choices import EventKind
from tickets.services import log_event

from .milestones import is_working_day
from .models import MilestoneKind, Rma, RmaMilestone, RmaReminder, RmaStatus
from .services.rma import center_calendar

log = logging.getLogger(__name__)
SWEEP_LIMIT = 5000


def sweep(*, now, limit=SWEEP_LIMIT):
    """Returns (milestones escalated, reminders sent)."""
    members = {}
    escalated = escalate_missed(now=now, limit=limit, members=members)
    return escalated, send_reminders(now=now, members=members)


def _members(role, members):
    if role not in members:
        members[role] = list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())
    return members[role]


def escalate_missed(*, now, limit=SWEEP_LIMIT, members=None):
    members = {} if members is None else members
    due = list(RmaMilestone.objects.filter(due_at__lte=now, completed_at__isnull=True, escalated_at__isnull=True,
                                           cancelled=False).order_by("due_at").values_list("pk", flat=True)[:limit])
    return sum(_escalate(pk, now=now, members=members) for pk in due)


def _escalate(pk, *, now, members):
    with transaction.atomic():
        claimed = RmaMilestone.objects.filter(pk=pk, escalated_at__isnull=True, completed_at__isnull=True,
                                              cancelled=False).update(escalated_at=now)
        if not claimed:
            return 0  # another sweep raised it, or it was completed meanwhile
        milestone = RmaMilestone.objects.select_related("rma__ticket", "rma__vendor").get(pk=pk)
        rma = milestone.rma
        recipients = _members(roles.SUPERVISOR, members) + _members(roles.SPARES_ADMIN, members)
        if milestone.kind == MilestoneKind.DAY_30:
            Rma.objects.filter(pk=rma.pk).update(top_priority=True)
            recipients += _members(roles.PURCHASING, members)
            title = _("Top priority: %(rma)s (%(number)s) 30 days at %(vendor)s and not back") % _names(rma)
        else:
            title = _("%(rma)s (%(number)s) missed: %(milestone)s") % {
                **_names(rma), "milestone": MilestoneKind(milestone.kind).label}
        log_event(rma.ticket, kind=EventKind.ESCALATION, by=None, now=now, message=title,
                  data={"rma": rma.pk, "milestone": milestone.kind, "due_at": milestone.due_at.isoformat()})
        notify(set(recipients), title=title, now=now, link=rma.get_absolute_url(), body=rma.vendor.name,
               kind=Notification.Kind.ESCALATION, email=True)
        return 1


def _names(rma):
    return {"rma": rma.number, "number": rma.ticket.number, "vendor": rma.vendor.name}


def send_reminders(*, now, members=None):
    """Every working day after the one the 30-day milestone fell due on, until the unit
    is back: one reminder per RMA and day."""
    members = {} if members is None else members
    calendar = center_calendar()
    today = now.astimezone(calendar.tz).date()
    if not is_working_day(today, calendar):
        return 0
    midnight = datetime.combine(today, time(0), tzinfo=calendar.tz)
    owed = (Rma.objects.filter(status=RmaStatus.SHIPPED, shipped_at__lt=midnight - timedelta(days=29),
                               milestones__kind=MilestoneKind.DAY_30, milestones__due_at__lt=midnight)
            .exclude(reminders__day=today).select_related("ticket", "vendor").order_by("shipped_at"))
    sent = 0
    for rma in owed:
        sent += _remind(rma, today, now=now, members=members, tz=calendar.tz)
    return sent


def _remind(rma, today, *, now, members, tz):
    try:
        with transaction.atomic():
            RmaReminder.objects.create(rma=rma, day=today, sent_at=now)
            days = (today - rma.shipped_at.astimezone(tz).date()).days
            title = _("Reminder: %(rma)s (%(number)s) still at %(vendor)s, day %(days)s") % {
                **_names(rma), "days": days}
            recipients = _members(roles.SPARES_ADMIN, members) + _members(roles.PURCHASING, members)
            notify(set(recipients), title=title, now=now, link=rma.get_absolute_url(), body=rma.vendor.name,
                   kind=Notification.Kind.WARNING)
            log_event(rma.ticket, kind=EventKind.SLA_WARNING, by=None, now=now, message=title,
                      data={"rma": rma.pk, "reminder": today.isoformat()})
    except IntegrityError:
        log.info("reminder for %s on %s already sent", rma.pk, today)
        return 0
    return 1
