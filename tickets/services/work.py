"""Dispatch and the engineer's job: assign, reassign, arrive, start, hold, resume, vendor
repair and completion with its service report. Each stops/starts the SLA clocks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import choices, clocks
from ..choices import EventKind, Status
from ..exceptions import Conflict, InvalidFields, InvalidInput, TransitionNotAllowed
from ..models import ClockKind, ServiceReport, Ticket
from ..signals import after_transition
from ..texts import person_ref
from ..uploads import validate_upload
from . import completions
from .base import (
    _check_transition,
    _event_time,
    is_back_dated,
    _lock,
    _move,
    _worker_context,
    log_event,
    require_perm,
)


def _check_engineer(engineer):
    if not (engineer.is_active and engineer.has_perm("tickets.work_ticket")):
        raise InvalidInput(_("%(name)s is not an active engineer.") % {"name": engineer.get_full_name() or engineer})


@transaction.atomic
def assign_ticket(ticket, engineer, *, by, now, travel_minutes=None):
    """First assignment of a new ticket. If someone else assigned it meanwhile, refuse
    with a conflict rather than silently reassigning. Stops the response clock and
    starts completion (and, onsite, arrival: 20 min + travel outside urban areas).
    An engineer may take a field job they logged themselves."""
    own_field_job = (engineer.pk == by.pk and ticket.channel == choices.Channel.FIELD
                     and ticket.created_by_id == by.pk)
    if not own_field_job:
        require_perm(by, "tickets.assign_ticket")
    _check_engineer(engineer)
    ticket = _lock(ticket)
    if ticket.assignee_id is not None and ticket.status == Status.DISPATCHED:
        raise Conflict(_("Ticket %(number)s was already assigned to %(name)s.") % {
            "number": ticket.number, "name": ticket.assignee.get_full_name() or ticket.assignee})
    _check_transition(ticket, "assign")
    ticket.assignee = engineer
    ticket.assigned_at = now
    if travel_minutes is not None:
        if not 0 <= int(travel_minutes) <= 24 * 60:
            raise InvalidInput(_("The travel estimate must be between 0 and 1440 minutes."))
        ticket.travel_minutes = int(travel_minutes)
    if ticket.status == Status.NEW:  # first assignment of this cycle (created or reopened)
        _start_work_clocks(ticket, now=now)
    ticket.first_assigned_at = ticket.first_assigned_at or now
    _move(ticket, "assign", by=by, now=now, data={"assignee": engineer.pk})
    log_event(ticket, kind=EventKind.ASSIGNMENT, by=by, now=now, data={"assignee": engineer.pk},
              text="assigned", params={"to": person_ref(engineer)})
    return ticket


def _start_work_clocks(ticket, *, now):
    clocks.stop_clock(ticket, ClockKind.RESPONSE, now=now)
    policy = clocks.policy_for(ticket.priority)
    if not clocks.awaits_unit(ticket):
        clocks.start_clock(ticket, ClockKind.COMPLETION, now=now, policy=policy)
    if clocks.is_onsite(ticket):
        clocks.start_clock(ticket, ClockKind.ARRIVAL, now=now, policy=policy)


@transaction.atomic
def record_unit_received(ticket, *, now):
    """The depot received a carry-in or mail-in unit (called by the depot bench on the
    locked ticket). The completion clock starts now if the job is already assigned;
    otherwise it starts at assignment. The response clock is not affected."""
    ticket.unit_received_at = now
    assigned = ticket.status != Status.NEW and ticket.assignee_id is not None
    if assigned and not clocks.has_clock(ticket, ClockKind.COMPLETION):
        clocks.start_clock(ticket, ClockKind.COMPLETION, now=now)
    ticket.save()
    return ticket


@transaction.atomic
def reassign_ticket(ticket, engineer, *, by, now, reason, expected_assignee_id):
    """Move a dispatched ticket to another engineer; the reason is recorded. The caller
    says whom they saw assigned, so two reassignments at once cannot both win."""
    require_perm(by, "tickets.assign_ticket")
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the reassignment."))
    _check_engineer(engineer)
    ticket = _lock(ticket)
    if ticket.status not in (Status.DISPATCHED, Status.ON_HOLD) or ticket.assignee_id is None:
        raise TransitionNotAllowed(_("Only a dispatched or held ticket can be reassigned."))
    if ticket.assignee_id != expected_assignee_id:
        raise Conflict(_("Ticket %(number)s was reassigned by someone else meanwhile.") % {"number": ticket.number})
    previous = ticket.assignee
    ticket.assignee = engineer
    ticket.assigned_at = now
    ticket.save()
    log_event(ticket, kind=EventKind.ASSIGNMENT, by=by, now=now, message=reason.strip(),
              data={"assignee": engineer.pk, "previous_assignee": previous.pk, "reassigned": True},
              text="reassigned", params={"from": person_ref(previous), "to": person_ref(engineer)})
    after_transition.send(sender=Ticket, ticket=ticket, action="reassign", by=by, now=now,
                          previous_status=ticket.status, previous_assignee=previous)
    return ticket


@transaction.atomic
def arrive(ticket, *, by, now, at=None):
    ticket = _lock(ticket)
    on_behalf = _worker_context(ticket, by)
    _check_transition(ticket, "arrive")
    ticket.arrived_at = _event_time(at, now=now, not_before=ticket.assigned_at)
    clocks.stop_clock(ticket, ClockKind.ARRIVAL, now=ticket.arrived_at)
    return _move(ticket, "arrive", by=by, now=now, on_behalf_of=on_behalf,
                 data=_at_data(ticket.arrived_at, now=now))


@transaction.atomic
def start_work(ticket, *, by, now, at=None):
    ticket = _lock(ticket)
    on_behalf = _worker_context(ticket, by)
    _check_transition(ticket, "start")
    if ticket.started_at:
        raise TransitionNotAllowed(_("Work on %(number)s has already started.") % {"number": ticket.number})
    ticket.started_at = _event_time(at, now=now, not_before=ticket.arrived_at or ticket.assigned_at)
    return _move(ticket, "start", by=by, now=now, on_behalf_of=on_behalf,
                 data=_at_data(ticket.started_at, now=now))


@transaction.atomic
def hold(ticket, *, by, now, reason, note=""):
    ticket = _lock(ticket)
    on_behalf = _worker_context(ticket, by)
    if reason not in choices.HoldReason.values:
        raise InvalidInput(_("Choose why the job is on hold."))
    _check_transition(ticket, "hold")
    ticket.held_from = ticket.status
    ticket.hold_reason = reason
    if not ticket.special_circumstance:
        _record_special_circumstance(ticket, reason, by=by, now=now)
    return _move(ticket, "hold", by=by, now=now, on_behalf_of=on_behalf, message=note, data={"reason": reason},
                 params={"reason": reason})


def _record_special_circumstance(ticket, reason, *, by, now):
    """A special circumstance gives the completion clock its 8 h target (SPEC §4), but
    only when it is recorded before the original deadline: recorded later, the deadline
    has already been missed, so the breach and its escalations stand (seed 002: 6 h,
    "special circumstances" up to 8 h). The timeline says why the target did not change."""
    completion = clocks.running_clock(ticket, ClockKind.COMPLETION)
    if completion is None or now < completion.due_at:
        ticket.special_circumstance = reason
        clocks.recompute(ticket, now=now, kinds={ClockKind.COMPLETION})
        return
    log_event(ticket, kind=EventKind.UPDATE, by=by, now=now, data={
        "special_circumstance": reason, "late": True, "completion_due_at": completion.due_at.isoformat()},
        text="special_circumstance_late",
        params={"reason": reason, "hours": _hours(completion.target), "due": completion.due_at.isoformat()})


def _hours(duration):
    hours = duration.total_seconds() / 3600
    return f"{hours:g}"


@transaction.atomic
def resume(ticket, *, by, now):
    ticket = _lock(ticket)
    on_behalf = _worker_context(ticket, by)
    _check_transition(ticket, "resume")
    target = ticket.held_from or (Status.IN_PROGRESS if ticket.started_at or ticket.arrived_at else Status.DISPATCHED)
    ticket.held_from = ""
    # The hold reason stays recorded in the timeline; the special circumstance it
    # signals (SPEC §4) is kept for the completion clock.
    reason = ticket.hold_reason
    ticket.hold_reason = ""
    return _move(ticket, "resume", by=by, now=now, target=target, on_behalf_of=on_behalf,
                 data={"reason": reason})


@transaction.atomic
def move_to_vendor(ticket, *, rma, by, now, note=""):
    """The ticket's side of a vendor repair: status at_vendor, the completion clock
    stops. Only spares.services.rma calls it, with the open RMA it created or shipped:
    a unit never goes to a vendor without an RMA (its milestones are the clocks)."""
    ticket = _lock(ticket)
    if rma is None or rma.ticket_id != ticket.pk or not rma.is_open:
        raise TransitionNotAllowed(_("A unit goes to a vendor only with an open RMA."))
    on_behalf = check_vendor_desk(ticket, by)
    _check_transition(ticket, "send_to_vendor")
    ticket.sent_to_vendor_at = now
    clocks.stop_clock(ticket, ClockKind.COMPLETION, now=now)
    return _move(ticket, "send_to_vendor", by=by, now=now, on_behalf_of=on_behalf, message=note,
                 data={"rma": rma.pk})


def send_to_vendor(ticket, *, by, now, vendor, reason, carrier="", tracking_number="", expected_back=None,
                   cost=None, note=""):
    """Send the unit to a vendor: always through spares.services.rma.send_to_vendor,
    which opens the RMA (vendor, reason; carrier and tracking now or later) whose
    milestones are the clocks. Returns the ticket."""
    from spares.services.rma import send_to_vendor as send

    rma = send(ticket, vendor=vendor, reason=reason, by=by, now=now, carrier=carrier,
               tracking_number=tracking_number, expected_back=expected_back, cost=cost, note=note)
    return Ticket.objects.get(pk=rma.ticket_id)


def unit_back_from_vendor(ticket, *, by, now, note=""):
    """The unit is back: spares.services.rma.unit_back records the return of the open
    RMA, which moves the ticket on. Returns the ticket."""
    from spares.services.rma import unit_back

    return unit_back(ticket, by=by, now=now, note=note)


@transaction.atomic
def move_back_from_vendor(ticket, *, by, now, note="", rma=None):
    """Back from the vendor: in_progress again. spares.services.rma calls this when it
    records an RMA's return (the RMA's return moves the ticket on)."""
    ticket = _lock(ticket)
    on_behalf = check_vendor_desk(ticket, by)
    return _move(ticket, "unit_back", by=by, now=now, on_behalf_of=on_behalf, message=note,
                 data={"rma": rma.pk} if rma is not None else None)


def check_vendor_desk(ticket, by):
    """Who may send the unit to / take it back from a vendor: the vendor desk, or the
    ticket's engineer (or someone recording on their behalf). Returns on-behalf-of."""
    return _vendor_context(ticket, by)


def _vendor_context(ticket, by):
    if by.has_perm("tickets.handle_vendor_repair"):
        return None
    return _worker_context(ticket, by)


@transaction.atomic
def complete(ticket, *, by, now, outcome, work_done, customer_confirmation="", parts_used="",
             parts_replaced=False, at=None, customer_signature=None, part_owed=""):
    """Completion needs an outcome and a service report (SPEC §3); the customer confirms
    with a typed name, a drawn signature (PNG), or both."""
    ticket = _lock(ticket)
    on_behalf = _worker_context(ticket, by)
    _check_transition(ticket, "complete")
    errors = {}
    if outcome not in choices.Outcome.values or outcome == choices.Outcome.ANSWERED:
        errors["outcome"] = _("Choose the outcome of the repair.")
    if not work_done.strip():
        errors["work_done"] = _("Describe the work done.")
    if not customer_confirmation.strip() and customer_signature is None:
        errors["customer_confirmation"] = _("Record who confirmed the work for the customer (name or signature).")
    if customer_signature is not None:
        try:
            validate_upload(customer_signature)
        except ValidationError as invalid:
            errors["customer_signature"] = " ".join(invalid.messages)
    if errors:
        raise ReportIncomplete(errors)
    ticket.completed_at = _event_time(at, now=now, not_before=ticket.started_at or ticket.arrived_at)
    ticket.outcome = outcome
    clocks.stop_clock(ticket, ClockKind.COMPLETION, now=ticket.completed_at)
    if parts_replaced and clocks.is_onsite(ticket):
        # The clock names the part owed (spares passes its ledger lines; else the report's text).
        clocks.start_clock(ticket, ClockKind.PART_RETURN, now=ticket.completed_at,
                           subject=(part_owed or parts_used).strip())
    clocks.start_clock(ticket, ClockKind.CALLBACK, now=ticket.completed_at)
    report, _created = ServiceReport.objects.update_or_create(ticket=ticket, defaults={
        "work_done": work_done.strip(), "parts_used": parts_used.strip(), "parts_replaced": parts_replaced,
        "customer_confirmation": customer_confirmation.strip(), "created_by": by, "created_at": now,
    })
    if customer_signature is not None:
        report.customer_signature.save(f"{ticket.number}.png", customer_signature)
    completions.record_completion(ticket, parts_replaced=parts_replaced)
    return _move(ticket, "complete", by=by, now=now, on_behalf_of=on_behalf,
                 data={"outcome": outcome, "parts_replaced": parts_replaced,
                       **_at_data(ticket.completed_at, now=now)}, params={"outcome": outcome})


def _at_data(at, *, now):
    """The reported time of a step; a late entry is marked back-dated on the timeline."""
    data = {"at": at.isoformat()}
    if is_back_dated(at, now=now):
        data["back_dated"] = True
    return data


class ReportIncomplete(InvalidFields):
    """Completion refused: the service report is missing fields (per-field messages)."""

    code = "report_incomplete"
