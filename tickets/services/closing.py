"""Closing, cancelling, reopening, notes, priority changes, returned defective parts
and the automatic close of tickets whose customer cannot be reached."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .. import choices, clocks
from ..choices import EventKind, Status
from ..exceptions import InvalidInput, TransitionNotAllowed
from ..models import ClockKind, Ticket
from ..texts import person_ref
from . import completions
from .base import _check_transition, _lock, _move, log_event, require_perm


@transaction.atomic
def close(ticket, *, by, now, reason):
    require_perm(by, "tickets.close_ticket")
    if reason not in (choices.CloseReason.CALLBACK_DONE, choices.CloseReason.CUSTOMER_UNREACHABLE):
        raise InvalidInput(_("Say whether the callback was done or the customer could not be reached."))
    ticket = _lock(ticket)
    _check_transition(ticket, "close")
    if reason == choices.CloseReason.CUSTOMER_UNREACHABLE:
        from quality.services.callbacks import is_unreachable

        if not is_unreachable(ticket):  # issue 7 item 4: only after failed attempts were logged
            raise TransitionNotAllowed(_(
                "Log %(n)s failed callback attempts on different working days before closing as unreachable.") % {
                "n": settings.CALLBACK_UNREACHABLE_ATTEMPTS})
    ticket.close_reason = reason
    ticket.closed_at = now
    clocks.stop_clock(ticket, ClockKind.CALLBACK, now=now)
    return _move(ticket, "close", by=by, now=now, data={"reason": reason})


def paid_repair_committed(ticket):
    """Seed 002: once the customer accepted a quote and parts were requested or the
    repair started, the paid repair can no longer be cancelled. The spare-parts services
    set both facts in the transaction that creates them (spares.services.accept_quote,
    reserve_part), so this stays a cheap read for the pages."""
    return bool(ticket.quote_accepted_at and (ticket.parts_requested_at or ticket.started_at))


@transaction.atomic
def cancel(ticket, *, by, now, reason):
    require_perm(by, "tickets.cancel_ticket")
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the cancellation."))
    ticket = _lock(ticket)
    _check_transition(ticket, "cancel")
    if paid_repair_committed(ticket):
        raise TransitionNotAllowed(
            _("The customer accepted a paid repair and work or parts are under way; it cannot be cancelled."))
    ticket.cancel_reason = reason.strip()
    ticket.cancelled_at = now
    clocks.stop_all(ticket, now=now)
    return _move(ticket, "cancel", by=by, now=now, message=reason.strip())


@transaction.atomic
def reopen(ticket, *, by, now, reason):
    """Same fault again inside the repair warranty: back to new. The earlier completion
    stays as it was (a Completion row); the new work is flagged a repeat repair only
    inside seed 002's window (see services.completions)."""
    require_perm(by, "tickets.reopen_ticket")
    if not reason.strip():
        raise InvalidInput(_("Describe the fault that came back."))
    ticket = _lock(ticket)
    _check_transition(ticket, "reopen")
    if ticket.outcome == choices.Outcome.ANSWERED or ticket.completed_at is None:
        raise TransitionNotAllowed(_("Only a completed repair can be reopened."))
    if now - ticket.completed_at > timedelta(days=settings.REPAIR_WARRANTY_DAYS):
        raise TransitionNotAllowed(_("The repair warranty (%(days)s days) has ended; log a new ticket.") % {
            "days": settings.REPAIR_WARRANTY_DAYS})
    previous_assignee = ticket.assignee_id
    clocks.stop_all(ticket, now=now)
    completion, repeat = completions.mark_reopened(ticket, now=now)
    ticket.is_repeat = repeat
    ticket.reopen_count += 1
    ticket.assignee = None
    ticket.outcome = ticket.close_reason = ticket.hold_reason = ""
    ticket.completed_at = ticket.closed_at = ticket.arrived_at = ticket.started_at = ticket.assigned_at = None
    ticket.special_circumstance = ""
    ticket.completion_due_at = ticket.arrival_due_at = None
    clocks.start_clock(ticket, ClockKind.RESPONSE, now=now)  # a new cycle: new clocks
    _move(ticket, "reopen", by=by, now=now, message=reason.strip(),
          data={"previous_assignee": previous_assignee, "repeat": repeat, "completion": completion.pk})
    if repeat:
        log_event(ticket, kind=EventKind.UPDATE, by=by, now=now, data={"repeat_of_completion": completion.pk},
                  text="repeat_repair",
                  params={"engineer": person_ref(completion.engineer), "sequence": completion.sequence})
    return ticket


@transaction.atomic
def add_note(ticket, *, by, now, message):
    require_perm(by, "tickets.add_note")
    if not message.strip():
        raise InvalidInput(_("The note is empty."))
    return log_event(ticket, kind=EventKind.NOTE, by=by, now=now, message=message.strip())


def auto_close_unreachable(*, now, batch=500):
    """Close as "customer unreachable" completed tickets whose customer could not be
    reached: at least CALLBACK_UNREACHABLE_ATTEMPTS failed callback attempts logged on
    different working days (quality.Callback rows, each also a timeline event), and at
    least AUTO_CLOSE_DAYS since completion (SPEC §3). A ticket without them stays
    completed, waiting for its callback, and its callback clock escalates."""
    from django.contrib.auth import get_user_model

    from quality.selectors import unreachable_tickets

    cutoff = now - timedelta(days=settings.AUTO_CLOSE_DAYS)
    due = list(unreachable_tickets(completed_before=cutoff).order_by("completed_at")
               .values_list("pk", flat=True)[:batch])
    system = get_user_model().objects.filter(username="system").first()
    closed = 0
    for pk in due:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if ticket.status != Status.COMPLETED or not unreachable_tickets(completed_before=cutoff).filter(
                    pk=pk).exists():
                continue  # answered or reopened meanwhile
            ticket.close_reason = choices.CloseReason.CUSTOMER_UNREACHABLE
            ticket.closed_at = now
            clocks.stop_clock(ticket, ClockKind.CALLBACK, now=now)
            _move(ticket, "close", by=system, now=now,
                  data={"reason": ticket.close_reason, "automatic": True,
                        "failed_attempts": settings.CALLBACK_UNREACHABLE_ATTEMPTS},
                  params={"reason": ticket.close_reason, "automatic": True,
                          "attempts": settings.CALLBACK_UNREACHABLE_ATTEMPTS})
            closed += 1
    return closed


@transaction.atomic
def change_priority(ticket, priority, *, by, now, reason=""):
    """A new priority means new targets for the running clocks (same start times)."""
    require_perm(by, "tickets.change_ticket_priority")
    if priority not in choices.Priority.values:
        raise InvalidInput(_("Unknown priority."))
    ticket = _lock(ticket)
    if not ticket.is_open:
        raise TransitionNotAllowed(_("The priority of a finished ticket cannot change."))
    previous = ticket.priority
    if previous == priority:
        return ticket
    ticket.priority = priority
    clocks.recompute(ticket, now=now)
    ticket.save()
    log_event(ticket, kind=EventKind.UPDATE, by=by, now=now, message=reason.strip(),
              data={"priority": priority, "previous_priority": previous},
              text="priority_changed", params={"from": previous, "to": priority})
    return ticket


@transaction.atomic
def receive_defective_part(ticket, *, by, now, note=""):
    """The spare-parts desk received the defective part: stops the part-return clock."""
    require_perm(by, "tickets.handle_vendor_repair")
    ticket = _lock(ticket)
    clock = clocks.stop_clock(ticket, ClockKind.PART_RETURN, now=now)
    if clock is None:
        raise TransitionNotAllowed(_("No defective part is due back for %(number)s.") % {"number": ticket.number})
    ticket.save()
    log_event(ticket, kind=EventKind.PART_USED, by=by, now=now, message=note.strip(),
              data={"part_return": clock.outcome}, text="part_received")
    return ticket
