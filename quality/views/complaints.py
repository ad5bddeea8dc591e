"""Complaint pages: list (filterable), intake, detail with each step, task force."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.exceptions import DomainError
from tickets.views.common import add_errors, permission_page

from .. import selectors, services
from ..filtersets import ComplaintFilterSet
from ..forms import (
    AcceptanceForm, CloseComplaintForm, ComplaintForm, InvestigationForm, OwnerForm, RemedyForm, ReplyForm,
)
from ..models import Complaint

STEPS = {
    "owner": (OwnerForm, lambda c, by, now, d: services.set_owner(c, d["owner"], by=by, now=now)),
    "reply": (ReplyForm, lambda c, by, now, d: services.record_reply(c, by=by, now=now, note=d["note"])),
    "investigate": (InvestigationForm, lambda c, by, now, d: services.record_investigation(c, by=by, now=now, **d)),
    "remedy": (RemedyForm, lambda c, by, now, d: services.record_remedy(c, by=by, now=now, **d)),
    "acceptance": (AcceptanceForm, lambda c, by, now, d: services.record_acceptance(c, by=by, now=now, **d)),
    "close": (CloseComplaintForm, lambda c, by, now, d: services.close_complaint(
        c, by=by, now=now, summary=d["closing_summary"], prevention=d["prevention"])),
}


@permission_page("quality.view_complaint")
def complaint_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params.setlist("status", ["open", "replied"])
    filterset = ComplaintFilterSet(params, queryset=selectors.visible_complaints(request.user))
    rows = filterset.qs.order_by("reply_due_at", "pk") if params.getlist("status") != ["closed"] else filterset.qs
    return render(request, "quality/complaint_list.html", {
        "filterset": filterset, "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "now": timezone.now(), "statuses": params.getlist("status")})


@permission_page("quality.add_complaint")
def complaint_new(request):
    form = ComplaintForm(request.POST or None, initial={"ticket": request.GET.get("ticket", "")[:30]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.create_complaint(
                by=request.user, now=timezone.now(), customer=data["customer"], ticket=data["source_ticket"],
                channel=data["channel"], severity=data["severity"], category=data["category"],
                description=data["description"], owner=data["owner"])
            messages.success(request, _("Complaint %(number)s logged.") % {"number": complaint.number})
            return redirect(complaint)
        except DomainError as refusal:
            add_errors(form, refusal)
    return render(request, "quality/complaint_new.html", {"form": form})


def _visible(request, pk):
    complaint = get_object_or_404(Complaint.objects.select_related(
        "customer", "ticket__assignee", "owner", "created_by", "closed_by"), pk=pk)
    if not (request.user.has_perm("quality.view_all_complaints")
            or complaint.task_force.filter(user=request.user).exists()):
        raise Http404
    return complaint


@login_required
def complaint_detail(request, pk, forms=None):
    complaint = _visible(request, pk)
    forms = forms or {}
    step_forms = {step: forms.get(step) or form_class(initial={"owner": complaint.owner_id} if step == "owner" else None)
                  for step, (form_class, _run) in STEPS.items()}
    return render(request, "quality/complaint_detail.html", {
        "complaint": complaint, "forms": step_forms, "now": timezone.now(),
        "task_force": complaint.task_force.select_related("user"),
        "escalations": complaint.escalations.all(),
        "may_handle": request.user.has_perm("quality.change_complaint")})


@login_required
@require_POST
def complaint_step(request, pk, step):
    complaint = _visible(request, pk)
    if step not in STEPS:
        raise Http404
    form_class, run = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(complaint, request.user, timezone.now(), form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(complaint)
        except DomainError as refusal:
            add_errors(form, refusal)
            messages.error(request, str(refusal))
    return complaint_detail(request, pk, forms={step: form})


@login_required
def task_force(request):
    return render(request, "quality/task_force.html", {
        "complaints": selectors.task_force_complaints(request.user), "now": timezone.now()})
