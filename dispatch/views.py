"""The dispatcher's board (live through HTMX polling) and its actions. Every write goes
through tickets.services / dispatch.services; a refusal becomes a message, never a 500."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import services as ticket_services
from tickets.exceptions import DomainError
from tickets.exceptions import PermissionDenied as DomainPermissionDenied
from tickets.models import Ticket

from . import selectors, services
from .forms import AssignForm, BoardFilterForm, ReassignForm, StatusForm

board_required = permission_required("dispatch.view_board", raise_exception=True)


def _filters(request):
    form = BoardFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    return form, {k: v for k, v in values.items() if v}


def _board_context(request):
    form, filters = _filters(request)
    data = selectors.board(**filters)
    return {"filter_form": form, "query": request.GET.urlencode(), "now": timezone.now(), **data}


@login_required
@board_required
def board(request):
    return render(request, "dispatch/board.html", _board_context(request))


@login_required
@board_required
def board_body(request):
    """The part of the board that refreshes itself every few seconds."""
    return render(request, "dispatch/partials/board_body.html", _board_context(request))


def _ticket(number):
    try:
        return Ticket.objects.select_related("assignee").get(number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _respond(request):
    """HTMX swaps the refreshed board; a plain form post goes back to the board."""
    if request.htmx:
        response = render(request, "dispatch/partials/board_body.html", _board_context(request))
        response["HX-Retarget"] = "#board-body"
        return response
    return redirect(reverse("dispatch:board") + ("?" + request.GET.urlencode() if request.GET else ""))


def _run(request, action):
    try:
        action()
        return True
    except DomainPermissionDenied as refusal:
        messages.error(request, str(refusal))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return False


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@login_required
@board_required
@require_POST
def assign(request):
    form = AssignForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _respond(request)
    ticket, engineer = _ticket(form.cleaned_data["ticket"]), form.cleaned_data["engineer"]
    if _run(request, lambda: ticket_services.assign_ticket(
            ticket, engineer, by=request.user, now=timezone.now(),
            travel_minutes=form.cleaned_data.get("travel_minutes"))):
        messages.success(request, _("%(number)s assigned to %(name)s.") % {
            "number": ticket.number, "name": engineer.get_full_name() or engineer.username})
    return _respond(request)


@login_required
@board_required
@require_POST
def reassign(request):
    form = ReassignForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _respond(request)
    data = form.cleaned_data
    ticket = _ticket(data["ticket"])
    if _run(request, lambda: ticket_services.reassign_ticket(
            ticket, data["engineer"], by=request.user, now=timezone.now(), reason=data["reason"],
            expected_assignee_id=data["expected_assignee"])):
        messages.success(request, _("%(number)s reassigned.") % {"number": ticket.number})
    return _respond(request)


@login_required
@require_POST
def set_status(request):
    """Dispatchers set anyone's status from the board; engineers their own from My jobs."""
    form = StatusForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        _run(request, lambda: services.set_status(form.cleaned_data["engineer"], form.cleaned_data["status"],
                                                 by=request.user, now=timezone.now()))
    if request.user.has_perm("dispatch.view_board"):
        return _respond(request)
    return redirect("tickets:my_jobs")
