"""The ticket page and its action forms. Which actions a user sees is computed from
ALLOWED_TRANSITIONS and permissions; the service still decides (and may refuse)."""
from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spares.forms import CompleteWithPartsForm, SendToVendorForm
from spares.selectors import with_panel_flags
from spares.services import complete_with_parts

from .. import forms as f
from .. import clocks, services
from ..choices import ALLOWED_TRANSITIONS, OPEN_STATUSES, Outcome, ServiceType, Status
from ..exceptions import Conflict, DomainError
from ..exceptions import PermissionDenied as DomainPermissionDenied
from .. import selectors
from ..uploads import serve_upload
from .common import add_errors


@dataclass(frozen=True)
class Action:
    label: str
    form: type
    run: Callable
    style: str = ""  # "primary" / "danger" button colour


def _text(data, name):
    return data.get(name) or ""


ACTIONS = {
    "assign": Action(gettext_lazy("Assign"), f.AssignForm, lambda t, d, **kw: services.assign_ticket(
        t, d["engineer"], travel_minutes=d.get("travel_minutes"), **kw), "primary"),
    "reassign": Action(gettext_lazy("Reassign"), f.ReassignForm, lambda t, d, **kw: services.reassign_ticket(
        t, d["engineer"], reason=d["reason"], expected_assignee_id=d.get("expected_assignee_id"), **kw)),
    "arrive": Action(gettext_lazy("Arrived"), f.TimeForm,
                     lambda t, d, **kw: services.arrive(t, at=d.get("at"), **kw), "primary"),
    "start": Action(gettext_lazy("Start work"), f.TimeForm,
                    lambda t, d, **kw: services.start_work(t, at=d.get("at"), **kw), "primary"),
    "hold": Action(gettext_lazy("Put on hold"), f.HoldForm, lambda t, d, **kw: services.hold(
        t, reason=d["reason"], note=_text(d, "note"), **kw)),
    "resume": Action(gettext_lazy("Resume"), f.EmptyForm, lambda t, d, **kw: services.resume(t, **kw), "primary"),
    # Opens the vendor repair (RMA) with its milestones: spares.services.rma.send_to_vendor.
    "send_to_vendor": Action(gettext_lazy("Send to vendor"), SendToVendorForm, lambda t, d, **kw: services.send_to_vendor(
        t, vendor=d["vendor"], reason=d["reason"], carrier=_text(d, "carrier"),
        tracking_number=_text(d, "tracking_number"), **kw)),
    "unit_back": Action(gettext_lazy("Unit back from vendor"), f.OptionalNoteForm,
                        lambda t, d, **kw: services.unit_back_from_vendor(t, note=_text(d, "note"), **kw), "primary"),
    # Parts used are ledger lines (spares): issued in the completion's transaction.
    "complete": Action(gettext_lazy("Complete"), CompleteWithPartsForm, lambda t, d, **kw: complete_with_parts(
        t, outcome=d["outcome"], work_done=d["work_done"], customer_confirmation=d["customer_confirmation"],
        part_lines=d.get("part_lines", ()), parts_replaced=d["parts_replaced"], at=d.get("at"),
        customer_signature=d.get("customer_signature"), **kw), "primary"),
    "close": Action(gettext_lazy("Close"), f.CloseForm,
                    lambda t, d, **kw: services.close(t, reason=d["reason"], **kw), "primary"),
    "cancel": Action(gettext_lazy("Cancel ticket"), f.ReasonForm,
                     lambda t, d, **kw: services.cancel(t, reason=d["reason"], **kw), "danger"),
    "reopen": Action(gettext_lazy("Reopen (same fault)"), f.ReasonForm,
                     lambda t, d, **kw: services.reopen(t, reason=d["reason"], **kw)),
    "note": Action(gettext_lazy("Add note"), f.NoteForm,
                   lambda t, d, **kw: services.add_note(t, message=d["message"], **kw)),
}


def _in(ticket, action):
    return ticket.status in ALLOWED_TRANSITIONS[action][0]


def _works_it(ticket, user):
    """The assigned engineer, or someone recording on their behalf (as services check)."""
    if ticket.assignee_id is None:
        return False
    own = ticket.assignee_id == user.pk and user.has_perm("tickets.work_ticket")
    return own or user.has_perm("tickets.record_on_behalf")


def _vendor_desk(ticket, user):
    return user.has_perm("tickets.handle_vendor_repair") or _works_it(ticket, user)


_RULES = {
    "assign": lambda t, u: t.status == Status.NEW and u.has_perm("tickets.assign_ticket"),
    "reassign": lambda t, u: t.status in (Status.DISPATCHED, Status.ON_HOLD) and t.assignee_id is not None
    and u.has_perm("tickets.assign_ticket"),
    "arrive": lambda t, u: _in(t, "arrive") and t.service_type == ServiceType.ONSITE and _works_it(t, u),
    "start": lambda t, u: _in(t, "start") and not t.started_at and _works_it(t, u),
    "hold": lambda t, u: _in(t, "hold") and _works_it(t, u),
    "resume": lambda t, u: _in(t, "resume") and _works_it(t, u),
    "send_to_vendor": lambda t, u: _in(t, "send_to_vendor") and _vendor_desk(t, u),
    "unit_back": lambda t, u: _in(t, "unit_back") and _vendor_desk(t, u),
    "complete": lambda t, u: _in(t, "complete") and _works_it(t, u),
    "close": lambda t, u: _in(t, "close") and u.has_perm("tickets.close_ticket"),
    "cancel": lambda t, u: _in(t, "cancel") and u.has_perm("tickets.cancel_ticket")
    and not services.paid_repair_committed(t),
    "reopen": lambda t, u: _in(t, "reopen") and u.has_perm("tickets.reopen_ticket")
    and t.completed_at is not None and t.outcome != Outcome.ANSWERED,
    "note": lambda t, u: u.has_perm("tickets.add_note"),
}


def available_actions(ticket, user):
    """Names of the actions `user` may take on `ticket` now, in display order."""
    return [name for name in ACTIONS if _RULES[name](ticket, user)]


def _action_forms(ticket, user, bound=None):
    bound = bound or {}
    result = []
    for name in available_actions(ticket, user):
        form = bound.get(name) or ACTIONS[name].form(prefix=name, initial=_initial(ticket, name))
        result.append({"name": name, "action": ACTIONS[name], "form": form, "open": name in bound})
    return result


def _initial(ticket, name):
    if name == "reassign":
        return {"expected_assignee_id": ticket.assignee_id}
    return {}


def _visible_ticket(request, number):
    return get_object_or_404(selectors.ticket_detail(request.user), number=number)


def _render_detail(request, ticket, *, bound=None, status=200):
    selectors.with_customer_phones(ticket)
    events = list(ticket.events.all())
    context = {
        "ticket": ticket, "events": events, "report": getattr(ticket, "service_report", None),
        "action_forms": _action_forms(ticket, request.user, bound),
        "open_statuses": OPEN_STATUSES,
        "clocks": list(ticket.clocks.all()), "now": timezone.now(),
        "completions": list(ticket.completions.all()), "targets": clocks.targets_in_force(ticket),
    }
    return render(request, "tickets/ticket_detail.html", context, status=status)


@login_required
def signature(request, number):
    """The customer's signature, only to those who may see the ticket (not from MEDIA_URL)."""
    report = getattr(_visible_ticket(request, number), "service_report", None)
    return serve_upload(report.customer_signature if report else None)


@login_required
def proof_of_purchase(request, number):
    """The proof of purchase of the ticket's unit, to those who may see the ticket."""
    ticket = _visible_ticket(request, number)
    return serve_upload(ticket.unit.proof_image if ticket.unit else None)


@login_required
def ticket_detail(request, number):
    # the spares panel's flags come with the ticket, so it reads only what exists
    ticket = get_object_or_404(with_panel_flags(selectors.ticket_page(request.user)), number=number)
    return _render_detail(request, ticket)


@login_required
@require_POST
def ticket_action(request, number, action):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("Unknown action."))
    ticket = _visible_ticket(request, number)
    form = spec.form(request.POST, prefix=action)
    if not form.is_valid():
        return _render_detail(request, ticket, bound={action: form}, status=400)
    try:
        spec.run(ticket, form.cleaned_data, by=request.user, now=timezone.now())
    except DomainPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except Conflict as error:
        messages.error(request, _("Someone else changed this ticket first: %(error)s The page now shows "
                                  "the current state.") % {"error": error})
    except DomainError as error:
        if getattr(error, "errors", None):
            add_errors(form, error)
            return _render_detail(request, ticket, bound={action: form}, status=400)
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(action)s: done.") % {"action": spec.label})
        if action in _BACK_TO_MY_JOBS and ticket.assignee_id == request.user.pk:
            return redirect("tickets:my_jobs")  # the engineer's job is parked or done: next job
    return _redirect_back(request, ticket)


_BACK_TO_MY_JOBS = {"hold", "complete"}


def _redirect_back(request, ticket):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(ticket)
