"""Shared machinery of the ticket services: permission checks, the row lock, the one
transition function (ALLOWED_TRANSITIONS) and the timeline event."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import ALLOWED_TRANSITIONS, EventKind
from ..exceptions import InvalidInput, PermissionDenied, TransitionNotAllowed
from ..models import Ticket, TicketEvent
from ..signals import after_transition, before_transition


def require_perm(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))


def log_event(ticket, *, kind, by, now, message="", data=None, from_status="", to_status="", on_behalf_of=None,
              text="", params=None):
    """Append a timeline event. `text` + `params` (a kind registered in staff.texts, see
    tickets/texts.py) describe it and are rendered in the reader's language; `message`
    is only for a person's own words (a note, a reason)."""
    return TicketEvent.objects.create(**event_fields(
        ticket, kind=kind, by=by, now=now, message=message, data=data, from_status=from_status,
        to_status=to_status, on_behalf_of=on_behalf_of, text=text, params=params))


def event_fields(ticket, *, kind, by, now, message="", data=None, from_status="", to_status="", on_behalf_of=None,
                 text="", params=None):
    """The field values of a TicketEvent (for bulk_create callers such as the sweep)."""
    data = dict(data or {})
    if text:
        data.update(text=text, params=params or {})
    return {"ticket": ticket, "kind": kind, "actor": by, "at": now, "message": message, "data": data,
            "from_status": from_status, "to_status": to_status, "on_behalf_of": on_behalf_of}


def _lock(ticket):
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check_transition(ticket, action):
    sources, target = ALLOWED_TRANSITIONS[action]
    if ticket.status not in sources:
        raise TransitionNotAllowed(
            _("Ticket %(number)s is %(status)s; “%(action)s” is not possible now.")
            % {"number": ticket.number, "status": ticket.get_status_display(), "action": action}
        )
    return target


def _move(ticket, action, *, by, now, target=None, message="", data=None, on_behalf_of=None, params=None):
    """Check and apply one transition on a locked ticket; write its event."""
    allowed_target = _check_transition(ticket, action)
    target = target or allowed_target
    before_transition.send(sender=Ticket, ticket=ticket, action=action, by=by, now=now, data=data or {})
    previous = ticket.status
    ticket.status = target
    ticket.save()
    log_event(
        ticket, kind=EventKind.STATUS_CHANGE, by=by, now=now, message=message,
        data={"action": action, **(data or {})}, from_status=previous, to_status=target,
        on_behalf_of=on_behalf_of, text="status_change", params={"action": action, **(params or {})},
    )
    after_transition.send(sender=Ticket, ticket=ticket, action=action, by=by, now=now, previous_status=previous)
    return ticket


def _worker_context(ticket, by):
    """Engineer actions: the assignee themself, or someone recording on their behalf."""
    if ticket.assignee_id == by.pk and by.has_perm("tickets.work_ticket"):
        return None
    if by.has_perm("tickets.record_on_behalf"):
        return ticket.assignee
    raise PermissionDenied(_("Only the assigned engineer (or a dispatcher on their behalf) can do this."))


def check_reported_time(at, *, now):
    """A time reported afterwards: never in the future, at most BACKDATE_LIMIT_DAYS ago."""
    if at > now + timedelta(minutes=1):
        raise InvalidInput(_("The time cannot be in the future."))
    if at < now - timedelta(days=settings.BACKDATE_LIMIT_DAYS):
        raise InvalidInput(_("The time cannot be more than %(days)s days ago.") % {
            "days": settings.BACKDATE_LIMIT_DAYS})
    return at


def is_back_dated(at, *, now):
    return at is not None and at < now - timedelta(minutes=settings.BACKDATE_NOTE_MINUTES)


def _event_time(at, *, now, not_before=None):
    """Times reported for field work may be in the past (within the back-date limit) but
    never in the future."""
    at = check_reported_time(at or now, now=now)
    if not_before and at < not_before:
        raise InvalidInput(_("The time cannot be before the previous step (%(time)s).") % {
            "time": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")})
    return at
