"""Escalations page for supervisors: open ones first, acknowledge with a note."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import escalations
from ..exceptions import DomainError
from ..filtersets_sla import EscalationFilterSet
from ..models import ClockKind, Escalation, EscalationLevel
from .common import permission_page


def escalation_queryset():
    return Escalation.objects.select_related(
        "ticket__customer", "ticket__assignee", "clock", "acknowledged_by",
    ).order_by(F("acknowledged_at").asc(nulls_first=True), "-raised_at", "-id")


@permission_page("tickets.view_escalation")
def escalation_list(request):
    params = request.GET.copy()
    params.setdefault("acknowledged", "false")  # open ones unless asked otherwise
    filterset = EscalationFilterSet(params, queryset=escalation_queryset())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "tickets/escalations.html", {
        "filterset": filterset, "page": page, "showing_open": params.get("acknowledged") == "false",
        "levels": EscalationLevel.choices, "clock_kinds": ClockKind.choices,
        "selected_levels": request.GET.getlist("level"), "selected_clocks": request.GET.getlist("clock"),
        "now": timezone.now()})


@permission_page("tickets.acknowledge_escalation")
@require_POST
def acknowledge(request, pk):
    escalation = get_object_or_404(Escalation, pk=pk)
    try:
        escalations.acknowledge(escalation, by=request.user, now=timezone.now(),
                                note=request.POST.get("note", "")[:2000])
        messages.success(request, _("Escalation acknowledged."))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("tickets:escalations")
