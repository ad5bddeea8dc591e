"""Escalations page for supervisors (managers read): a ticket's escalations on one row,
highest level first, newest tickets first; acknowledge one, or all of a ticket's at once."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import escalations
from ..escalation_selectors import grouped_page, position_of
from ..exceptions import DomainError
from ..filtersets_sla import EscalationFilterSet
from ..models import ClockKind, Escalation, EscalationLevel, Ticket
from .common import parse_id, permission_page


@permission_page("tickets.view_escalation")
def escalation_list(request):
    params = request.GET.copy()
    params.setdefault("acknowledged", "false")  # open ones unless asked otherwise
    params.pop("before", None)
    filterset = EscalationFilterSet(params, queryset=Escalation.objects.all())
    before_id = parse_id(request.GET.get("before"))
    before = position_of(before_id) if before_id and before_id < 2**63 else None
    rows, next_id = grouped_page(filterset.qs, before=before)
    _link(rows)
    return render(request, "tickets/escalations.html", {
        "filterset": filterset, "rows": rows, "next_id": next_id, "paged": before is not None,
        "filter_query": params.urlencode(), "showing_open": params.get("acknowledged") == "false",
        "levels": EscalationLevel.choices, "clock_kinds": ClockKind.choices,
        "selected_levels": request.GET.getlist("level"), "selected_clocks": request.GET.getlist("clock"),
        "now": timezone.now()})


def _link(rows):
    """The rows' links (ticket, acknowledge, RMA) from one reverse() each rather than one
    per row and escalation (~250 on a full page)."""
    ticket_url = reverse("tickets:ticket_detail", args=["NUMBER"])
    ack_url = reverse("tickets:acknowledge_ticket_escalations", args=["NUMBER"])
    rma_url = reverse("spares:rma_detail", args=[987654321]).replace("987654321", "{}")
    for row in rows:
        row.url, row.ack_url = ticket_url.replace("NUMBER", row.ticket.number), ack_url.replace(
            "NUMBER", row.ticket.number)
        for escalation in row.shown:
            if escalation.rma_id:
                escalation.rma_url = rma_url.format(escalation.rma_id)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("tickets:escalations")


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
    return _back(request)


@permission_page("tickets.acknowledge_escalation")
@require_POST
def acknowledge_ticket(request, number):
    """Every open escalation of one ticket at once."""
    ticket = get_object_or_404(Ticket, number=number)
    try:
        done = escalations.acknowledge_ticket(ticket, by=request.user, now=timezone.now(),
                                              note=request.POST.get("note", "")[:2000])
        messages.success(request, ngettext("%(n)d escalation of %(number)s acknowledged.",
                                           "%(n)d escalations of %(number)s acknowledged.", len(done)) % {
            "n": len(done), "number": ticket.number})
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return _back(request)
