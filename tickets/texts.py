"""Renderers of the ticket timeline's and the SLA notifications' text kinds (see
staff/texts.py for how the mechanism works and how to add a kind). Imported from
TicketsConfig.ready(). Parameters hold codes and names; labels are translated here,
when the event is read."""
from django.utils.translation import gettext as _

from staff.texts import register

from . import choices
from .models import ClockKind, EscalationLevel


def _label(options, value):
    """The translated label of a choice value; the raw value if it is unknown."""
    try:
        return str(options(value).label)
    except ValueError:
        return str(value or "")


def person_ref(user):
    """How a person is stored in parameters: id for data, name for display."""
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _name(ref):
    if not ref:
        return _("system")
    return ref.get("name") if isinstance(ref, dict) else str(ref)


# --- assignment -----------------------------------------------------------------------------

@register("assigned")
def _assigned(p):
    return _("Assigned to %(name)s") % {"name": _name(p["to"])}


@register("reassigned")
def _reassigned(p):
    return _("Reassigned from %(from)s to %(to)s") % {"from": _name(p["from"]), "to": _name(p["to"])}


# --- status changes (one kind; the action says which) ------------------------------------------

def _hold(p):
    return _("Put on hold: %(reason)s") % {"reason": _label(choices.HoldReason, p["reason"])}


def _complete(p):
    return _("Completed: %(outcome)s") % {"outcome": _label(choices.Outcome, p["outcome"])}


def _close(p):
    if p["automatic"] and p["attempts"]:
        return _("Closed automatically: the customer could not be reached on %(n)s working days.") % {
            "n": p["attempts"]}
    if p["automatic"]:
        return _("Closed automatically: no callback within %(days)s days.") % {"days": p["days"]}
    if p["reason"]:
        return _("Closed: %(reason)s") % {"reason": _label(choices.CloseReason, p["reason"])}
    return _("Closed")


_ACTIONS = {
    "assign": lambda p: _("Dispatched"),
    "arrive": lambda p: _("Arrived on site"),
    "start": lambda p: _("Work started"),
    "hold": _hold,
    "resume": lambda p: _("Resumed"),
    "send_to_vendor": lambda p: _("Sent to vendor repair"),
    "unit_back": lambda p: _("Back from vendor repair"),
    "complete": _complete,
    "close": _close,
    "resolve_at_intake": lambda p: _("Answered on the call and closed"),
    "cancel": lambda p: _("Cancelled"),
    "reopen": lambda p: _("Reopened"),
}


@register("status_change")
def _status_change(p):
    renderer = _ACTIONS.get(p["action"])
    return renderer(p) if renderer else _("Status changed")


# --- SLA --------------------------------------------------------------------------------------

@register("sla_raised")
def _sla_raised(p):
    return _("%(level)s: %(clock)s clock of %(number)s") % {
        "level": _label(EscalationLevel, p["level"]), "clock": _label(ClockKind, p["clock"]), "number": p["number"]}


@register("sla_raised.body")
def _sla_raised_body(p):
    return _("Customer: %(customer)s") % {"customer": p["customer"]}


@register("escalation_acknowledged")
def _escalation_acknowledged(p):
    return _("Escalation acknowledged: %(level)s") % {"level": _label(EscalationLevel, p["level"])}


@register("escalations_acknowledged")
def _escalations_acknowledged(p):
    return _("Escalations acknowledged: %(levels)s") % {
        "levels": ", ".join(_label(EscalationLevel, level) for level in p["levels"])}


def escalation_texts(*, ticket, clock_kind, level, due_at, escalation_id):
    """What the sweep writes when one level of one clock is raised: the timeline event's
    fields (kind, data with text kind + params) and the notification's (kind, text kind,
    params). Pure: the bulk sweep builds its rows from it too. `ticket` needs `number`
    and `customer.name` loaded. Both dicts are model fields, so a bulk writer does
    ``TicketEvent(ticket=t, actor=None, at=now, **event)`` and
    ``Notification(recipient=u, created_at=now, link=url, **note)``."""
    from staff.models import Notification

    is_warning = level == EscalationLevel.WARNING
    params = {"level": str(level), "clock": str(clock_kind), "number": ticket.number}
    event = {
        "kind": choices.EventKind.SLA_WARNING if is_warning else choices.EventKind.ESCALATION,
        "data": {"clock": str(clock_kind), "level": str(level), "due_at": due_at.isoformat(),
                 "escalation": escalation_id, "text": "sla_raised", "params": params},
    }
    notification = {
        "kind": Notification.Kind.WARNING if is_warning else Notification.Kind.ESCALATION,
        "text": "sla_raised", "params": {**params, "customer": ticket.customer.name},
    }
    return event, notification


# --- other updates ----------------------------------------------------------------------------

@register("priority_changed")
def _priority_changed(p):
    return _("Priority changed from %(from)s to %(to)s") % {
        "from": _label(choices.Priority, p["from"]), "to": _label(choices.Priority, p["to"])}


@register("part_received")
def _part_received(p):
    return _("Defective part received.")


@register("unit_received")
def _unit_received(p):
    return _("Unit received: %(condition)s") % {"condition": p["condition"]}


@register("unit_returned")
def _unit_returned(p):
    methods = {"pickup": _("Customer pickup"), "courier": _("Courier")}
    return _("Unit returned to the customer (%(method)s).") % {"method": methods.get(p["method"], p["method"])}


@register("bench_test")
def _bench_test(p):
    from dispatch.models import BenchTest

    return _("%(kind)s: %(result)s.") % {
        "kind": _label(BenchTest.Kind, p["kind"]), "result": _label(BenchTest.Result, p["result"])}


@register("warranty_rechecked")
def _warranty_rechecked(p):
    return _("Warranty rechecked: %(from)s → %(to)s") % {
        "from": _label(choices.WarrantyStatus, p["from"]), "to": _label(choices.WarrantyStatus, p["to"])}


@register("field_job_entered")
def _field_job_entered(p):
    if p["back_dated_to"]:
        from datetime import datetime

        from django.utils import timezone

        at = timezone.localtime(datetime.fromisoformat(p["back_dated_to"])).strftime("%Y-%m-%d %H:%M")
        return _("Field job entered afterwards, back-dated to %(at)s.") % {"at": at}
    return _("Field job entered afterwards with its real times.")


@register("duplicate_override")
def _duplicate_override(p):
    return _("Created although %(number)s is open for the same unit") % {"number": p["number"]}


@register("special_circumstance_late")
def _special_circumstance_late(p):
    from datetime import datetime

    from django.utils import timezone

    due = timezone.localtime(datetime.fromisoformat(p["due"])).strftime("%Y-%m-%d %H:%M")
    return _("%(reason)s recorded after the completion deadline (%(due)s): the target stays "
             "%(hours)s h and the breach stands.") % {
        "reason": _label(choices.HoldReason, p["reason"]), "hours": p["hours"], "due": due}


@register("repeat_repair")
def _repeat_repair(p):
    return _("Repeat repair: the fault came back within the window of %(engineer)s's job "
             "(completion %(sequence)s).") % {"engineer": _name(p["engineer"]), "sequence": p["sequence"]}
