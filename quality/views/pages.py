"""Quality pages: dashboard, callbacks queue and recording, low-score follow-ups,
batch-failure alerts, repeat repairs, QA samples and the settings."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.exceptions import DomainError
from tickets.models import Ticket
from tickets.views.common import add_errors, permission_page

from .. import selectors, services
from ..filtersets import CallbackFilterSet, QaSampleFilterSet, QualityAlertFilterSet
from ..forms import AlertAckForm, CallbackForm, FollowUpForm, QaDrawForm, QaScoreForm, SettingsForm, SurveySendForm
from ..models import Callback, QaSample, QualityAlert, QualitySettings

PAGE = 50


def _param(request, name, limit):
    """A free-text query parameter, cut to `limit`; NUL characters (which PostgreSQL
    refuses in a string) are dropped."""
    return (request.GET.get(name) or "").replace("\x00", "").strip()[:limit]


def _page(request, rows):
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))


@permission_page("quality.view_quality_dashboard")
def dashboard(request):
    now = timezone.now()
    return render(request, "quality/dashboard.html", {**selectors.dashboard(now=now), "now": now})


@permission_page("quality.view_callback")
def callback_queue(request):
    rows = selectors.callback_queue()
    number = _param(request, "ticket", 30).upper()
    if number:
        rows = rows.filter(number=number)
    if request.GET.get("overdue") == "true":
        rows = rows.filter(callback_due__lt=timezone.now())
    return render(request, "quality/callback_queue.html", {
        "page": _page(request, rows), "now": timezone.now(), "number": number,
        "overdue": request.GET.get("overdue") == "true"})


def _ticket_context(ticket):
    return {
        "ticket": ticket,
        "attempts": Callback.objects.filter(ticket=ticket).select_related("by").order_by("attempted_at", "pk"),
        "links": ticket.survey_links.select_related("created_by").order_by("-created_at")[:5],
    }


@permission_page("quality.view_callback")
def callback_ticket(request, number):
    ticket = get_object_or_404(Ticket.objects.select_related("customer", "unit__model", "assignee"), number=number)
    form = CallbackForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("quality.add_callback"):
            raise PermissionDenied
        if form.is_valid():
            try:
                callback = services.record_callback(ticket, by=request.user, now=timezone.now(), **form.cleaned_data)
                messages.success(request, _("Callback recorded: %(result)s.") % {
                    "result": callback.get_result_display()})
                return redirect("quality:callbacks")
            except DomainError as refusal:
                add_errors(form, refusal)
    return render(request, "quality/callback_ticket.html", {
        **_ticket_context(ticket), "form": form, "survey_form": SurveySendForm(),
        "new_link": request.session.pop(f"survey-link-{ticket.pk}", None)})


@permission_page("quality.add_surveylink")
@require_POST
def send_survey(request, number):
    ticket = get_object_or_404(Ticket, number=number)
    form = SurveySendForm(request.POST)
    if form.is_valid():
        try:
            _link, url = services.issue_survey_link(ticket, by=request.user, now=timezone.now(), **form.cleaned_data)
            request.session[f"survey-link-{ticket.pk}"] = url  # shown once, on the next page
            messages.success(request, _("Survey link made. It works once and expires."))
        except DomainError as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("quality:callback_ticket", number=ticket.number)


@permission_page("quality.follow_up_callback")
def follow_ups(request):
    params = request.GET.copy()
    params.setdefault("low_score", "true")
    params.setdefault("followed_up", "false")
    filterset = CallbackFilterSet(params, queryset=selectors.low_scores(open_only=False))
    return render(request, "quality/follow_ups.html", {
        "filterset": filterset, "page": _page(request, filterset.qs), "form": FollowUpForm()})


@permission_page("quality.follow_up_callback")
@require_POST
def follow_up(request, pk):
    callback = get_object_or_404(Callback, pk=pk)
    form = FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        services.follow_up(callback, by=request.user, now=timezone.now(), note=form.cleaned_data["note"])
        messages.success(request, _("Follow-up recorded."))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return redirect("quality:follow_ups")


@permission_page("quality.view_qualityalert")
def alert_list(request):
    params = request.GET.copy()
    params.setdefault("acknowledged", "false")
    filterset = QualityAlertFilterSet(params, queryset=QualityAlert.objects.select_related(
        "product_model", "fault_code", "acknowledged_by").prefetch_related("tickets"))
    return render(request, "quality/alerts.html", {
        "filterset": filterset, "page": _page(request, filterset.qs), "config": QualitySettings.current()})


@permission_page("quality.acknowledge_qualityalert")
@require_POST
def alert_acknowledge(request, pk):
    alert = get_object_or_404(QualityAlert, pk=pk)
    form = AlertAckForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        services.acknowledge_alert(alert, by=request.user, now=timezone.now(), findings=form.cleaned_data["findings"])
        messages.success(request, _("Alert acknowledged."))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return redirect("quality:alert_list")


@permission_page("quality.view_quality_dashboard")
def repeat_list(request):
    rows = selectors.repeat_repairs()
    engineer, model = _param(request, "engineer", 150), _param(request, "model", 60)
    if engineer:
        rows = rows.filter(engineer__username=engineer)
    if model:
        rows = rows.filter(ticket__unit__model__code=model)
    per_engineer, per_model = selectors.repeat_counts(selectors.repeat_repairs())
    return render(request, "quality/repeats.html", {
        "page": _page(request, rows), "per_engineer": per_engineer, "per_model": per_model,
        "linked": selectors.linked_repeat_tickets()[:50], "engineer": engineer, "model": model})


@permission_page("quality.view_qasample")
def qa_list(request):
    filterset = QaSampleFilterSet(request.GET or None, queryset=QaSample.objects.select_related(
        "ticket", "person", "scored_by"))
    draw_form = QaDrawForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("quality.add_qasample"):
            messages.error(request, _("You are not allowed to do this."))
        elif draw_form.is_valid():
            count = services.draw_sample(draw_form.cleaned_data["month"], by=request.user, now=timezone.now())
            messages.success(request, _("%(count)s tickets drawn.") % {"count": count})
            return redirect("quality:qa_list")
    return render(request, "quality/qa_list.html", {
        "filterset": filterset, "page": _page(request, filterset.qs), "draw_form": draw_form})


@permission_page("quality.change_qasample")
def qa_score(request, pk):
    sample = get_object_or_404(QaSample.objects.select_related("ticket__customer", "person"), pk=pk)
    initial = {name: getattr(sample, name) for name in QaScoreForm.base_fields}
    form = QaScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_sample(sample, by=request.user, now=timezone.now(), **form.cleaned_data)
            messages.success(request, _("Scores saved."))
            return redirect("quality:qa_list")
        except DomainError as refusal:
            add_errors(form, refusal)
    return render(request, "quality/qa_score.html", {"sample": sample, "form": form})


@permission_page("quality.view_qasample")
def qa_results(request):
    form = QaDrawForm(request.GET or None)
    month = form.cleaned_data["month"] if request.GET and form.is_valid() else None
    return render(request, "quality/qa_results.html", {"rows": selectors.qa_results(month=month), "form": form})


@permission_page("quality.change_qualitysettings")
def settings_page(request):
    config = QualitySettings.current()
    form = SettingsForm(request.POST or None, initial={
        "batch_threshold": config.batch_threshold, "batch_window_days": config.batch_window_days,
        "qa_sample_size": config.qa_sample_size})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(by=request.user, **form.cleaned_data)
            messages.success(request, _("Settings saved."))
            return redirect("quality:settings")
        except DomainError as refusal:
            add_errors(form, refusal)
    return render(request, "quality/settings.html", {"form": form})
