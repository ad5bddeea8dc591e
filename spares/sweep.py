"""The RMA sweep (seed 002 milestones), set-based like the SLA sweep (tickets.escalations):
escalate each missed milestone exactly once, and send the daily reminder for units 30+
days at a vendor, once per RMA and working day.

Only due milestones are read (partial index milestone_due_idx), and only RMAs whose next
reminder is owed (next_reminder_at, partial index rma_reminder_due_idx, like the SLA
clocks' next_due_at), so an idle sweep over 10,000 open RMAs is two indexed queries. A batch is claimed with FOR UPDATE SKIP LOCKED (concurrent
sweeps split the work instead of waiting), and in one transaction per batch: the
milestones are marked escalated, the escalations inserted in one statement with ON
CONFLICT DO NOTHING (unique per RMA and milestone, per RMA and reminder day: the
exactly-once guarantee, whoever runs), then the timeline events and inbox rows in bulk.
E-mails are queued after commit. Escalations appear on the supervisors' escalations
page next to the SLA clocks' (tickets.Escalation rows with the RMA instead of a clock).
"""
import logging
from datetime import datetime, time
from functools import partial

from django.db import connection, transaction
from django.urls import reverse

from staff import roles
from staff.models import Notification
from tickets.choices import EventKind
from tickets.escalations import bulk_notify, insert_escalations, queue_emails, role_members
from tickets.models import EscalationLevel, TicketEvent

from .milestones import is_working_day, next_midnight
from .models import MilestoneKind, Rma, RmaMilestone, RmaReminder, RmaStatus
from .services.rma import center_calendar

log = logging.getLogger(__name__)
BATCH_SIZE = 500
REMINDER = "reminder"  # Escalation.rma_milestone of a daily reminder


def sweep(*, now, batch_size=BATCH_SIZE):
    """Returns (milestones escalated, reminders sent)."""
    members = {}
    escalated = escalate_missed(now=now, batch_size=batch_size, members=members)
    return escalated, send_reminders(now=now, batch_size=batch_size, members=members)


def _due_milestones(now):
    return RmaMilestone.objects.filter(due_at__lte=now, completed_at__isnull=True, escalated_at__isnull=True,
                                       cancelled=False)


def _drain(run_batch, *, size):
    total = 0
    while True:
        claimed, done = run_batch(size)
        total += done
        if claimed < size:
            return total


def _rma_link():
    """reverse() once per batch; the RMA id is put in per row."""
    return reverse("spares:rma_detail", args=[987654321]).replace("987654321", "{}")


# --- missed milestones ---------------------------------------------------------------------------

def escalate_missed(*, now, batch_size=BATCH_SIZE, members=None):
    members = {} if members is None else members
    if not _due_milestones(now).order_by("due_at").values_list("pk", flat=True)[:1]:
        return 0  # idle: one indexed query
    return _drain(partial(_escalate_batch, now=now, members=members), size=batch_size)


def _escalate_batch(size, *, now, members):
    """One transaction: claim up to `size` due milestones, raise them. Returns (claimed, raised)."""
    with transaction.atomic():
        due = list(_due_milestones(now).select_for_update(skip_locked=True, of=("self",))
                   .select_related("rma__ticket", "rma__vendor").order_by("due_at", "id")[:size])
        if not due:
            return 0, 0
        RmaMilestone.objects.filter(pk__in=[m.pk for m in due]).update(escalated_at=now)
        created = {(rma_id, kind): pk for pk, rma_id, kind in insert_escalations(
            [{"rma_id": m.rma_id, "ticket_id": m.rma.ticket_id, "rma_milestone": m.kind, "due_at": m.due_at,
              "level": EscalationLevel.LEVEL_2 if m.kind == MilestoneKind.DAY_30 else EscalationLevel.LEVEL_1}
             for m in due], now=now, returning=("rma_id", "rma_milestone"))}
        raised = [(m, created[m.rma_id, m.kind]) for m in due if (m.rma_id, m.kind) in created]
        if len(raised) < len(due):
            log.info("%d RMA escalation(s) already existed; not raised again", len(due) - len(raised))
        top = [m.rma_id for m, _pk in raised if m.kind == MilestoneKind.DAY_30]
        if top:
            Rma.objects.filter(pk__in=top).update(top_priority=True)
        TicketEvent.objects.bulk_create(_missed_event(m, pk, now=now) for m, pk in raised)
        link = _rma_link()
        rows = []
        for milestone, _pk in raised:
            text, params = _missed_text(milestone)
            who = role_members(roles.SUPERVISOR, members) + role_members(roles.SPARES_ADMIN, members)
            if milestone.kind == MilestoneKind.DAY_30:
                who += role_members(roles.PURCHASING, members)
            rows.extend((user, Notification.Kind.ESCALATION, text, params, link.format(milestone.rma_id))
                        for user in _unique(who))
        emails = bulk_notify(rows, now=now)
        if emails:
            transaction.on_commit(partial(queue_emails, emails))
    return len(due), len(raised)


def _unique(users):
    return list({user.pk: user for user in users}.values())


def _names(rma):
    return {"rma": rma.number, "number": rma.ticket.number, "vendor": rma.vendor.name}


def _missed_text(milestone):
    if milestone.kind == MilestoneKind.DAY_30:
        return "rma_top_priority", _names(milestone.rma)
    return "rma_missed", {**_names(milestone.rma), "milestone": milestone.kind}


def _missed_event(milestone, escalation_id, *, now):
    text, params = _missed_text(milestone)
    return TicketEvent(ticket_id=milestone.rma.ticket_id, kind=EventKind.ESCALATION, actor=None, at=now, data={
        "rma": milestone.rma_id, "milestone": milestone.kind, "due_at": milestone.due_at.isoformat(),
        "escalation": escalation_id, "text": text, "params": params})


# --- daily reminders past day 30 -------------------------------------------------------------------

def _owed(now):
    """RMAs at the vendor owed a reminder (next_reminder_at passed; partial index)."""
    return Rma.objects.filter(next_reminder_at__lte=now, status=RmaStatus.SHIPPED)


def send_reminders(*, now, batch_size=BATCH_SIZE, members=None):
    """Every working day after the one the 30-day milestone fell due on, until the unit
    is back: one reminder per RMA and day."""
    members = {} if members is None else members
    if not _owed(now).order_by("next_reminder_at").values_list("pk", flat=True)[:1]:
        return 0  # idle: one indexed query
    calendar = center_calendar()
    today = now.astimezone(calendar.tz).date()
    if not is_working_day(today, calendar):
        return 0  # owed from the next working day
    return _drain(partial(_remind_batch, today=today, now=now, members=members, calendar=calendar),
                  size=batch_size)


def _remind_batch(size, *, today, now, members, calendar):
    with transaction.atomic():
        rmas = list(_owed(now).select_for_update(skip_locked=True, of=("self",))
                    .select_related("ticket", "vendor").order_by("next_reminder_at", "id")[:size])
        if not rmas:
            return 0, 0
        claimed = len(rmas)
        Rma.objects.filter(pk__in=[rma.pk for rma in rmas]).update(next_reminder_at=next_midnight(now, calendar))
        sent = _insert_reminders(rmas, today, now=now)
        if len(sent) < claimed:
            log.info("%d RMA reminder(s) for %s already sent", claimed - len(sent), today)
        rmas = [rma for rma in rmas if rma.pk in sent]
        midnight = datetime.combine(today, time(0), tzinfo=calendar.tz)
        created = {rma_id: pk for pk, rma_id in insert_escalations(
            [{"rma_id": rma.pk, "ticket_id": rma.ticket_id, "rma_milestone": REMINDER, "reminder_day": today,
              "level": EscalationLevel.WARNING, "due_at": midnight} for rma in rmas],
            now=now, returning=("rma_id",))}
        params = {rma.pk: {**_names(rma), "days": (today - rma.shipped_at.astimezone(calendar.tz).date()).days}
                  for rma in rmas}
        TicketEvent.objects.bulk_create(
            TicketEvent(ticket_id=rma.ticket_id, kind=EventKind.SLA_WARNING, actor=None, at=now, data={
                "rma": rma.pk, "reminder": today.isoformat(), "escalation": created.get(rma.pk),
                "text": "rma_reminder", "params": params[rma.pk]}) for rma in rmas)
        who = _unique(role_members(roles.SPARES_ADMIN, members) + role_members(roles.PURCHASING, members))
        link = _rma_link()
        bulk_notify([(user, Notification.Kind.WARNING, "rma_reminder", params[rma.pk], link.format(rma.pk))
                     for rma in rmas for user in who], now=now)
    return claimed, len(rmas)


def _insert_reminders(rmas, today, *, now):
    """INSERT … ON CONFLICT DO NOTHING RETURNING: ids of the RMAs really reminded now."""
    ops = connection.ops
    values = ", ".join(["(%s, %s, %s)"] * len(rmas))
    params = [value for rma in rmas for value in (rma.pk, ops.adapt_datefield_value(today),
                                                  ops.adapt_datetimefield_value(now))]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {RmaReminder._meta.db_table} (rma_id, day, sent_at) VALUES {values} "
                       "ON CONFLICT DO NOTHING RETURNING rma_id", params)
        return {row[0] for row in cursor.fetchall()}
