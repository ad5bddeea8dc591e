"""The SLA sweep (SPEC §4): raise each due warning/escalation exactly once, set-based.

Only clocks whose `next_due_at` has passed are read (partial index clock_next_due_idx),
so the cost follows what is due, not how many tickets exist. A batch of due clocks is
claimed with FOR UPDATE SKIP LOCKED (clock and ticket rows, so concurrent sweeps split
the work and never wait on a dispatcher holding a ticket); its escalations are inserted
in one statement with ON CONFLICT DO NOTHING — the unique (clock, level) constraint
stays the exactly-once guarantee — then its events and notifications in bulk and its
clocks advanced, all in one transaction per batch. E-mails are queued after commit.
A backlog is drained batch after batch; the beat task stops after a time budget and
chains the next run, so no run outlives the beat interval.

What a level does depends on the clock's kind (who hears of it, what it is called);
other apps register new kinds with `register_clock_kind` (e.g. RMA milestones).
"""
import json
import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification

from .choices import EventKind
from .clocks import next_threshold
from .exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from .models import Escalation, EscalationLevel, LEVEL_ORDER, SlaClock, Ticket, TicketEvent
from .services import log_event
from .texts import escalation_texts

log = logging.getLogger(__name__)
BATCH_SIZE = 500


# --- what each kind of clock does when a level falls due ---------------------------------

def recipients_for(ticket, level, *, members=None):
    """Warning → the assignee (dispatchers if unassigned); level 1 → supervisors;
    level 2 → managers."""
    if level == EscalationLevel.WARNING and ticket.assignee_id:
        return [ticket.assignee]
    role = {EscalationLevel.WARNING: roles.DISPATCHER, EscalationLevel.LEVEL_1: roles.SUPERVISOR,
            EscalationLevel.LEVEL_2: roles.MANAGER}[level]
    return role_members(role, members)


def role_members(role, members=None):
    """Active users of a role, read once per sweep (`members` is the sweep's cache)."""
    members = {} if members is None else members
    if role not in members:
        members[role] = list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())
    return members[role]


def _escalation_texts(clock, level, threshold, escalation_id):
    """The stored texts (kind + params, staff.texts) of one raised level: the timeline
    event's fields and the notification's, rendered in each reader's language."""
    return escalation_texts(ticket=clock.ticket, clock_kind=clock.kind, level=level, due_at=threshold,
                            escalation_id=escalation_id)


@dataclass(frozen=True)
class ClockRules:
    """recipients(clock, level, members) → users; texts(clock, level, threshold,
    escalation_id) → (event fields, notification fields) as tickets.texts.escalation_texts."""

    recipients: Callable
    texts: Callable = _escalation_texts


DEFAULT_RULES = ClockRules(recipients=lambda clock, level, members: recipients_for(clock.ticket, level,
                                                                                   members=members))
_RULES = {}


def register_clock_kind(kind, **rules):
    """Give clocks of `kind` their own recipients / texts (defaults otherwise)."""
    _RULES[kind] = ClockRules(**{"recipients": DEFAULT_RULES.recipients, **rules})


def rules_for(kind):
    return _RULES.get(kind, DEFAULT_RULES)


# --- the sweep ---------------------------------------------------------------------------

@dataclass
class SweepResult:
    raised: int = 0
    batches: int = 0
    more: bool = False  # stopped by the time budget with clocks still due


def sweep(*, now, batch_size=BATCH_SIZE):
    """Raise everything due at `now` (all batches); returns how many escalations were
    created. After downtime the first sweep catches up: every level that fell due."""
    return sweep_batches(now=now, batch_size=batch_size).raised


def sweep_batches(*, now, batch_size=BATCH_SIZE, budget_seconds=None):
    """Batch after batch until nothing is due, or until `budget_seconds` ran out."""
    result = SweepResult()
    due = SlaClock.objects.filter(next_due_at__lte=now).order_by("next_due_at").values_list("pk", flat=True)[:1]
    if not due:  # idle: one indexed query
        return result
    started, members = time.monotonic(), {}
    while True:
        claimed, raised = _sweep_batch(now=now, size=batch_size, members=members)
        result.raised += raised
        result.batches += 1
        if claimed < batch_size:
            return result
        if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
            result.more = True
            return result


def _sweep_batch(*, now, size, members):
    """One transaction: claim up to `size` due clocks, raise what fell due, advance them.
    Returns (clocks claimed, escalations created)."""
    with transaction.atomic():
        clocks = list(SlaClock.objects.select_for_update(skip_locked=True, of=("self", "ticket"))
                      .select_related("ticket__customer", "ticket__assignee")
                      .filter(next_due_at__lte=now).order_by("next_due_at", "id")[:size])
        if not clocks:
            return 0, 0
        due = _advance(clocks, now=now)
        created = _insert_escalations(due, now=now)
        raised = [(clock, level, threshold, created[clock.pk, level])
                  for clock, level, threshold in due if (clock.pk, level) in created]
        if len(raised) < len(due):
            log.info("%d escalation(s) already existed; not raised again", len(due) - len(raised))
        _flag_tickets(raised)
        texts = {(clock.pk, level): rules_for(clock.kind).texts(clock, level, threshold, pk)
                 for clock, level, threshold, pk in raised}
        TicketEvent.objects.bulk_create(TicketEvent(ticket_id=clock.ticket_id, actor=None, at=now,
                                                    **texts[clock.pk, level][0]) for clock, level, *_ in raised)
        emails = _notify(raised, texts, now=now, members=members)
        _save_clocks(clocks)
        if emails:
            transaction.on_commit(partial(queue_emails, emails))
    return len(clocks), len(raised)


def _advance(clocks, *, now):
    """Every level of each clock that fell due by `now`, in order; the clocks' raised
    counter and next due time move past them (saved by the caller)."""
    due = []
    for clock in clocks:
        for level, threshold in clock.thresholds()[clock.raised:]:
            if threshold > now:
                break
            due.append((clock, level, threshold))
            clock.raised = LEVEL_ORDER.index(level) + 1
        clock.next_due_at = next_threshold(clock)
    return due


def _insert_escalations(due, *, now):
    """INSERT … ON CONFLICT DO NOTHING RETURNING: {(clock id, level): escalation id} of
    the rows really created (an existing one is skipped, never duplicated)."""
    rows = [{"clock_id": clock.pk, "ticket_id": clock.ticket_id, "level": str(level), "due_at": threshold}
            for clock, level, threshold in due]
    return {(clock_id, level): pk for pk, clock_id, level in
            insert_escalations(rows, now=now, returning=("clock_id", "level"))}


ESCALATION_COLUMNS = ("clock_id", "ticket_id", "level", "due_at", "rma_id", "rma_milestone", "reminder_day")


def insert_escalations(rows, *, now, returning):
    """Escalation rows (dicts of ESCALATION_COLUMNS; missing ones empty) in one INSERT …
    ON CONFLICT DO NOTHING: the unique constraints (clock and level; RMA and milestone;
    RMA and reminder day) keep each raised once, whoever inserts it. Returns (id,
    *returning) of the rows really created. Shared with spares.sweep."""
    if not rows:
        return []
    ops = connection.ops
    adapt = {"due_at": ops.adapt_datetimefield_value, "reminder_day": ops.adapt_datefield_value}
    defaults = {"clock_id": None, "rma_id": None, "rma_milestone": "", "reminder_day": None}
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, '')"] * len(rows))
    params = []
    for row in rows:
        row = {**defaults, **row}
        params.extend([*(adapt[c](row[c]) if c in adapt else row[c] for c in ESCALATION_COLUMNS),
                       ops.adapt_datetimefield_value(now)])
    sql = (f"INSERT INTO {Escalation._meta.db_table} ({', '.join(ESCALATION_COLUMNS)}, raised_at, note) "
           f"VALUES {values} ON CONFLICT DO NOTHING RETURNING id, {', '.join(returning)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _flag_tickets(raised):
    """The list and board colour tickets by these flags (one UPDATE per flag)."""
    warned = {c.ticket_id for c, level, *_ in raised if level == EscalationLevel.WARNING and not c.ticket.sla_warned}
    breached = {c.ticket_id for c, level, *_ in raised if level != EscalationLevel.WARNING
                and not c.ticket.sla_breached}
    if warned:
        Ticket.objects.filter(pk__in=warned, sla_warned=False).update(sla_warned=True)
    if breached:
        Ticket.objects.filter(pk__in=breached, sla_breached=False).update(sla_breached=True)


def _notify(raised, texts, *, now, members):
    """One inbox row per recipient and escalation, in one INSERT; returns the ids of the
    rows whose recipient has an e-mail address (their e-mails are queued after commit)."""
    link = reverse("tickets:ticket_detail", args=["NUMBER"])  # one reverse() per batch, not per row
    rows = []  # (recipient, kind, text, params, link)
    for clock, level, _threshold, _pk in raised:
        note = texts[clock.pk, level][1]
        row = (str(note["kind"]), note["text"], note["params"], link.replace("NUMBER", clock.ticket.number))
        rows.extend((user, *row) for user in rules_for(clock.kind).recipients(clock, level, members) if user)
    return bulk_notify(rows, now=now)


def bulk_notify(rows, *, now):
    """Inbox rows (recipient, kind, text kind, params dict, link) in one INSERT; returns
    the ids of those whose recipient has an e-mail address. Shared with spares.sweep."""
    if not rows:
        return []
    with_email = {user.pk for user, *_ in rows if user.email}
    if connection.vendor != "postgresql":
        created = Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, text=text, params=params, link=url, created_at=now)
            for user, kind, text, params, url in rows)
        return [n.pk for n in created if n.recipient_id in with_email]
    columns = [list(column) for column in zip(*((user.pk, kind, text, json.dumps(params), url)
                                                for user, kind, text, params, url in rows))]
    with connection.cursor() as cursor:  # unnest: no model instance per row (10 dispatchers × 1,000 warnings)
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} (recipient_id, kind, text, params, title, body, link,"
            " created_at) SELECT r, k, t, p, '', '', l, %s"
            " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::jsonb[], %s::text[]) AS u (r, k, t, p, l)"
            " RETURNING id, recipient_id", [now, *columns])
        return [pk for pk, recipient_id in cursor.fetchall() if recipient_id in with_email]


def _save_clocks(clocks):
    if connection.vendor != "postgresql":
        SlaClock.objects.bulk_update(clocks, ["raised", "next_due_at"])
        return
    rows = ", ".join(["(%s, %s, %s::timestamptz)"] * len(clocks))
    params = [value for clock in clocks for value in (clock.pk, clock.raised, clock.next_due_at)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SlaClock._meta.db_table} AS c SET raised = v.raised, next_due_at = v.next_due_at "
                       f"FROM (VALUES {rows}) AS v (id, raised, next_due_at) WHERE c.id = v.id", params)


def queue_emails(notification_ids):
    """After commit: hand the e-mails to a worker. If the broker is down the inbox rows
    already exist; the e-mails are logged as lost rather than failing the sweep."""
    from .tasks import send_notification_emails

    try:
        send_notification_emails.delay(notification_ids)
    except Exception:  # noqa: BLE001 — a broker outage must not undo a committed sweep
        log.exception("could not queue %d escalation e-mail(s)", len(notification_ids))


# --- acknowledging -----------------------------------------------------------------------

@transaction.atomic
def acknowledge(escalation, *, by, now, note=""):
    if not by.has_perm("tickets.acknowledge_escalation"):
        raise PermissionDenied(_("You are not allowed to acknowledge escalations."))
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.acknowledged_at:
        raise TransitionNotAllowed(_("This escalation was already acknowledged."))
    if len(note) > 2000:
        raise InvalidInput(_("The note is too long."))
    escalation.acknowledged_by, escalation.acknowledged_at, escalation.note = by, now, note.strip()
    escalation.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    log_event(escalation.ticket, kind=EventKind.ESCALATION, by=by, now=now,
              data={"escalation": escalation.pk, "acknowledged": True},
              text="escalation_acknowledged", params={"level": escalation.level})
    return escalation


@transaction.atomic
def acknowledge_ticket(ticket, *, by, now, note=""):
    """Acknowledge every open escalation of a ticket at once (one timeline event);
    returns them. 409 when none is open (someone else acknowledged them meanwhile)."""
    if not by.has_perm("tickets.acknowledge_escalation"):
        raise PermissionDenied(_("You are not allowed to acknowledge escalations."))
    if len(note) > 2000:
        raise InvalidInput(_("The note is too long."))
    rows = list(Escalation.objects.select_for_update().filter(ticket=ticket, acknowledged_at__isnull=True)
                .order_by("pk"))
    if not rows:
        raise TransitionNotAllowed(_("%(number)s has no open escalation.") % {"number": ticket.number})
    Escalation.objects.filter(pk__in=[e.pk for e in rows]).update(
        acknowledged_by=by, acknowledged_at=now, note=note.strip())
    rows.sort(key=lambda e: -LEVEL_ORDER.index(e.level))
    log_event(ticket, kind=EventKind.ESCALATION, by=by, now=now, message=note.strip(),
              data={"escalations": [e.pk for e in rows], "acknowledged": True},
              text="escalations_acknowledged", params={"levels": [e.level for e in rows]})
    return rows
