"""Satisfaction callbacks: each attempt is a row and a timeline event. The first
recorded attempt stops the callback clock; an answered one closes the ticket; a low
score (≤ 2 on any question) opens a follow-up for quality staff."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets import clocks
from tickets.choices import CloseReason, EventKind, Status
from tickets.exceptions import InvalidFields, InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.models import ClockKind
from tickets.services.base import _lock, _move, log_event, require_perm

from ..calendar import business_calendar, working_day_of
from ..choices import CallbackChannel, CallbackResult
from ..models import Callback

SCORE_FIELDS = ("attitude", "speed", "repair_quality")
LOW_SCORE = 2
MAX_COMMENT = 2000


def _clean_scores(result, scores):
    if result not in CallbackResult.values:
        raise InvalidFields({"result": _("Choose the result of the call.")})
    if result != CallbackResult.ANSWERED:
        return {name: None for name in SCORE_FIELDS}
    errors, clean = {}, {}
    for name in SCORE_FIELDS:
        value = scores.get(name)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            errors[name] = _("Give a score from 1 to 5.")
        clean[name] = value
    if errors:
        raise InvalidFields(errors)
    return clean


def record_callback(ticket, *, by, now, result, comment="", channel=CallbackChannel.PHONE, **scores):
    """Record one callback attempt (`by` is None for a customer's survey answer)."""
    if by is not None:
        require_perm(by, "quality.add_callback")
    clean = _clean_scores(result, scores)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidFields({"comment": _("The comment is too long (at most %(n)s characters).") % {"n": MAX_COMMENT}})
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status != Status.COMPLETED:
            raise TransitionNotAllowed(_("Ticket %(number)s is %(status)s; callbacks are made after completion.") % {
                "number": ticket.number, "status": ticket.get_status_display()})
        _record, calendar = business_calendar()
        callback = Callback.objects.create(
            ticket=ticket, cycle=ticket.reopen_count, result=result, channel=channel, attempted_at=now,
            working_day=working_day_of(now, calendar), by=by, comment=comment,
            is_low_score=any(v is not None and v <= LOW_SCORE for v in clean.values()), **clean)
        clocks.stop_clock(ticket, ClockKind.CALLBACK, now=now)
        attempt = Callback.objects.filter(ticket=ticket, cycle=ticket.reopen_count).count()
        log_event(ticket, kind=EventKind.CALLBACK, by=by, now=now, message=comment,
                  data={"result": result, "channel": channel, "attempt": attempt, "callback": callback.pk,
                        **{k: v for k, v in clean.items() if v is not None}})
        if result == CallbackResult.ANSWERED:
            _close_after_callback(ticket, by=by, now=now)
            if callback.is_low_score:
                transaction.on_commit(lambda: _notify_low_score(callback, now=now))
        else:
            ticket.save()
    return callback


def _close_after_callback(ticket, *, by, now):
    ticket.close_reason = CloseReason.CALLBACK_DONE
    ticket.closed_at = now
    actor = by or get_user_model().objects.filter(username="system").first()
    _move(ticket, "close", by=actor, now=now, data={"reason": ticket.close_reason})


def _notify_low_score(callback, *, now):
    quality = get_user_model().objects.filter(groups__name=roles.QUALITY, is_active=True).distinct()
    from django.urls import reverse

    notify(list(quality), now=now, kind=Notification.Kind.WARNING, link=reverse("quality:follow_ups"),
           title=_("Low satisfaction score on %(number)s") % {"number": callback.ticket.number},
           body=callback.comment)


@transaction.atomic
def follow_up(callback, *, by, now, note):
    """Quality staff record what they did about a low score."""
    if not by.has_perm("quality.follow_up_callback"):
        raise PermissionDenied(_("You are not allowed to do this."))
    note = (note or "").strip()
    if not note:
        raise InvalidFields({"note": _("Say what was done for the customer.")})
    if len(note) > MAX_COMMENT:
        raise InvalidFields({"note": _("The note is too long (at most %(n)s characters).") % {"n": MAX_COMMENT}})
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if not callback.is_low_score:
        raise TransitionNotAllowed(_("Only low scores need a follow-up."))
    if callback.follow_up_done_at:
        raise TransitionNotAllowed(_("This follow-up was already recorded."))
    callback.follow_up_done_at, callback.follow_up_by, callback.follow_up_note = now, by, note
    callback.save(update_fields=["follow_up_done_at", "follow_up_by", "follow_up_note"])
    return callback


def failed_attempt_days(ticket):
    """Distinct working days with a failed attempt in the ticket's current cycle."""
    from ..choices import FAILED_RESULTS

    return (Callback.objects.filter(ticket=ticket, cycle=ticket.reopen_count, result__in=FAILED_RESULTS,
                                    working_day__isnull=False).values("working_day").distinct().count())


def is_unreachable(ticket):
    return failed_attempt_days(ticket) >= settings.CALLBACK_UNREACHABLE_ATTEMPTS


__all__ = ["record_callback", "follow_up", "failed_attempt_days", "is_unreachable", "InvalidInput"]
