"""The SLA sweep (SPEC §4): raise each due warning/escalation exactly once.

Only clocks whose `next_due_at` has passed are read (partial index clock_next_due_idx),
so the cost follows what is due, not how many tickets exist. Each clock is handled in
its own transaction under a row lock (SKIP LOCKED, so concurrent sweeps split the work);
the unique (clock, level) constraint makes a duplicate impossible even if two sweeps
or a retried task reach the same clock.
"""
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.services import notify

from .choices import EventKind
from .exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from .models import Escalation, EscalationLevel, LEVEL_ORDER, SlaClock
from .services import log_event
from .texts import escalation_texts

log = logging.getLogger(__name__)
SWEEP_LIMIT = 5000


def sweep(*, now, limit=SWEEP_LIMIT):
    """Raise everything due at `now`; returns how many escalations were created.
    After downtime the first sweep catches up: every level that fell due meanwhile."""
    due = list(
        SlaClock.objects.filter(next_due_at__lte=now).order_by("next_due_at").values_list("pk", flat=True)[:limit]
    )
    members = {}  # role → active users, read once per sweep
    return sum(_sweep_clock(pk, now=now, members=members) for pk in due)


def _sweep_clock(pk, *, now, members=None):
    with transaction.atomic():
        clock = (SlaClock.objects.select_for_update(skip_locked=True, of=("self",))
                 .select_related("ticket__assignee", "ticket__customer")
                 .filter(pk=pk, next_due_at__lte=now).order_by().first())
        if clock is None:
            return 0  # another sweep holds it, or it was handled meanwhile
        created = 0
        for level, threshold in clock.thresholds()[clock.raised:]:
            if threshold > now:
                break
            created += _raise(clock, level, threshold, now=now, members=members)
            clock.raised = LEVEL_ORDER.index(level) + 1
        from .clocks import next_threshold

        clock.next_due_at = next_threshold(clock)
        clock.save(update_fields=["raised", "next_due_at"])
        return created


def _raise(clock, level, threshold, *, now, members=None):
    ticket = clock.ticket
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                clock=clock, ticket=ticket, level=level, due_at=threshold, raised_at=now)
    except IntegrityError:
        log.info("escalation %s/%s already raised", clock.pk, level)
        return 0
    _flag_ticket(ticket, level)
    event, note = escalation_texts(ticket=ticket, clock_kind=clock.kind, level=level, due_at=threshold,
                                   escalation_id=escalation.pk)
    log_event(ticket, by=None, now=now, **event)
    notify(recipients_for(ticket, level, members=members), now=now, link=ticket.get_absolute_url(), email=True, **note)
    return 1


def _flag_ticket(ticket, level):
    field = "sla_warned" if level == EscalationLevel.WARNING else "sla_breached"
    if not getattr(ticket, field):
        setattr(ticket, field, True)
        type(ticket).objects.filter(pk=ticket.pk).update(**{field: True})


def recipients_for(ticket, level, *, members=None):
    """Warning → the assignee (dispatchers if unassigned); level 1 → supervisors;
    level 2 → managers."""
    if level == EscalationLevel.WARNING and ticket.assignee_id:
        return [ticket.assignee]
    role = {EscalationLevel.WARNING: roles.DISPATCHER, EscalationLevel.LEVEL_1: roles.SUPERVISOR,
            EscalationLevel.LEVEL_2: roles.MANAGER}[level]
    members = {} if members is None else members
    if role not in members:
        members[role] = list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())
    return members[role]


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
