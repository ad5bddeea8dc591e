"""Completion records (issue 7 item 5): each completion of a ticket is kept as its own
row; a reopen marks the earlier one and decides whether the new work is a repeat repair.

Seed 002 (上门工程师 要求 3–4): a software fault must stay fixed for 72 hours after the
repair; a hardware fault is guaranteed for one week, not counting repairs in which a part
was replaced. A reopen for the same fault inside that window is a repeat repair of that
engineer's job; later reopens inside the repair warranty are allowed but not counted."""
from datetime import timedelta

from ..choices import FaultKind
from ..models import ClockKind, Completion, SlaClock

REPEAT_WINDOWS = {FaultKind.SOFTWARE: timedelta(hours=72), FaultKind.HARDWARE: timedelta(days=7)}

_OUTCOME_FIELDS = {
    ClockKind.RESPONSE: "response_outcome", ClockKind.ARRIVAL: "arrival_outcome",
    ClockKind.COMPLETION: "completion_outcome", ClockKind.PART_RETURN: "part_return_outcome",
    ClockKind.CALLBACK: "callback_outcome",
}


def repeat_window(fault_kind, parts_replaced):
    """How long after completion a reopen counts as a repeat repair; None: never.
    Fault kind unknown: counted only where both readings agree (72 h, no part replaced)."""
    if parts_replaced and fault_kind != FaultKind.SOFTWARE:
        return None
    return REPEAT_WINDOWS.get(fault_kind, REPEAT_WINDOWS[FaultKind.SOFTWARE])


def fault_kind_of(ticket):
    return ticket.fault_kind or (ticket.fault_code.kind if ticket.fault_code_id else "")


def record_completion(ticket, *, parts_replaced):
    """Called by `complete` on the locked ticket once its clocks are stopped/started."""
    sequence = ticket.reopen_count + 1
    previous = Completion.objects.filter(ticket=ticket, sequence=ticket.reopen_count).first() \
        if ticket.is_repeat else None
    completion = Completion(
        ticket=ticket, sequence=sequence, outcome=ticket.outcome, engineer=ticket.assignee,
        fault_kind=fault_kind_of(ticket), parts_replaced=parts_replaced, assigned_at=ticket.assigned_at,
        started_at=ticket.started_at or ticket.arrived_at, completed_at=ticket.completed_at,
        is_repeat=previous is not None, repeat_of=previous,
    )
    for kind, outcome in SlaClock.objects.filter(ticket=ticket, cycle=ticket.reopen_count).values_list(
            "kind", "outcome"):
        setattr(completion, _OUTCOME_FIELDS[kind], outcome)
    completion.save()
    return completion


def record_clock_outcome(clock):
    """Part return and callback stop after the completion: copy their outcome onto it."""
    if clock.kind in (ClockKind.PART_RETURN, ClockKind.CALLBACK):
        Completion.objects.filter(ticket_id=clock.ticket_id, sequence=clock.cycle + 1).update(
            **{_OUTCOME_FIELDS[clock.kind]: clock.outcome})


def mark_reopened(ticket, *, now):
    """Mark the latest completion reopened; return (completion, counts_as_repeat).
    Tickets completed before completion records existed get theirs from the ticket."""
    completion = Completion.objects.select_for_update().filter(
        ticket=ticket, sequence=ticket.reopen_count + 1).first()
    if completion is None:
        report = getattr(ticket, "service_report", None)
        completion = record_completion(ticket, parts_replaced=bool(report and report.parts_replaced))
    window = repeat_window(completion.fault_kind, completion.parts_replaced)
    repeat = window is not None and now - completion.completed_at <= window
    completion.reopened_at = now
    completion.failed = repeat
    completion.save(update_fields=["reopened_at", "failed"])
    return completion, repeat
