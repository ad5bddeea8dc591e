"""The dispatcher's board (live through HTMX polling) and its actions. Every write goes
through tickets.services / dispatch.services; a refusal becomes a message, never a 500.

The board body carries its version; the poll sends it back as If-None-Match and gets
304 Not Modified (no rendering, two small aggregates) while nothing moved. One engineer
picker serves the page: the assign/reassign form is loaded into a dialog when opened."""
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tickets.choices import Area
from tickets.exceptions import DomainError
from tickets.models import Ticket
from tickets.templatetags.sla_ui import due_state, humanize_delta

from . import selectors, services
from .forms import AssignForm, BoardFilterForm, PickerForm, ReassignForm, StatusForm
from .models import EngineerStatus

board_required = permission_required("dispatch.view_board", raise_exception=True)
FULL_REFRESH_SECONDS = 300  # what no fingerprint covers (skills, areas) shows within 5 minutes


def _filters(request):
    form = BoardFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    return form, {k: v for k, v in values.items() if v}


def _etag(request):
    """The board's version for this URL, reader and language (read once per request)."""
    if hasattr(request, "_board_etag"):
        return request._board_etag
    now = timezone.now()
    parts = (selectors.board_version(), request.GET.urlencode(), get_language(), request.user.pk,
             int(now.timestamp() // FULL_REFRESH_SECONDS))
    request._board_etag = '"%s"' % hashlib.sha1(repr(parts).encode()).hexdigest()[:20]
    return request._board_etag


def _board_context(request):
    form, filters = _filters(request)
    data = selectors.board(**filters)
    now = timezone.now()
    _label_lanes(data["lanes"], now)
    return {"filter_form": form, "query": request.GET.urlencode(), "now": now, "etag": _etag(request),
            "filters": filters, **data}


def _due(due, now):
    """A compact countdown (countdown.js keeps it ticking): 300 of them on the board."""
    return format_html('<time class="due due-{}" data-due="{}">{}</time>', due_state(due, now, False),
                       int(due.timestamp()), humanize_delta((due - now).total_seconds()))


def _label_lanes(lanes, now):
    """Each lane's HTML, built once per render in Python: 300 lanes through the template
    engine cost thousands of variable lookups and translations (the board's budget is
    150 ms). The markup is the one of dispatch/partials/board_body.html's lanes."""
    areas, statuses = dict(Area.choices), EngineerStatus.choices
    options = {value: format_html_join("", '<option value="{}"{}>{}</option>', (
        (v, mark_safe(" selected") if v == value else "", label) for v, label in statuses)) for value, _l in statuses}
    words = {"status_of": _("Status of %(name)s"), "onsite": _("onsite"), "depot": _("depot"),
             "next_due": _("next due"), "no_skills": _("no skills recorded"), "jobs": _("Jobs"),
             "open_list": _("Open the list")}
    list_url = reverse("tickets:ticket_list")
    for lane in lanes:
        name = str(lane)
        kinds = "/".join(words[k] for k, on in (("onsite", lane.does_onsite), ("depot", lane.does_depot)) if on)
        load = ngettext("%(n)d open job", "%(n)d open jobs", lane.load) % {"n": lane.load}
        due = format_html(" · {} {}", words["next_due"], _due(lane.next_due_at, now)) if lane.next_due_at else ""
        skills = format_html_join("", '<span class="chip static">{}</span>', ((line.name,) for line in lane.skills)) \
            or format_html('<span class="muted small">{}</span>', words["no_skills"])
        jobs = format_html('<details class="jobs"><summary class="small">{}</summary><a class="small" '
                           'href="{}?assignee={}">{}</a></details>', words["jobs"], list_url, lane.user_id,
                           words["open_list"]) if lane.load else ""
        lane.html = format_html(
            '<article class="lane est-{}" data-engineer="{}"><header><strong>{}</strong><select name="status-{}" '
            'form="status-form" class="est" aria-label="{}">{}</select></header>\n<p class="small muted">{} · {} · {}{}'
            '</p>\n<p class="skills">{}</p>\n{}</article>\n',
            lane.status, lane.user_id, name, lane.user_id, words["status_of"] % {"name": name}, options[lane.status],
            areas.get(lane.area, lane.area), kinds, load, due, skills, jobs)


def _render_body(request):
    context = _board_context(request)
    response = render(request, "dispatch/partials/board_body.html", context)
    response["ETag"] = context["etag"]
    patch_cache_control(response, no_cache=True, private=True)
    return response


@login_required
@board_required
def board(request):
    return render(request, "dispatch/board.html", _board_context(request))


@login_required
@board_required
@require_GET
def board_body(request):
    """The part of the board that refreshes itself every few seconds: 304 while the
    version the browser has is still current."""
    etag = _etag(request)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    return _render_body(request)


def _ticket(number):
    try:
        return Ticket.objects.select_related("assignee", "customer", "unit__model__product_line").get(number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _respond(request):
    """HTMX swaps the refreshed board; a plain form post goes back to the board."""
    if request.htmx:
        response = _render_body(request)
        response["HX-Retarget"] = "#board-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    return redirect(reverse("dispatch:board") + ("?" + request.GET.urlencode() if request.GET else ""))


def _run(request, action):
    try:
        action()
        return True
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return False


def _form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _refused_in_picker(request, ticket, mode, refusal, data):
    """An override refusal from the picker keeps the picker open with the message."""
    context = _picker_context(request, ticket, mode)
    context["selected"] = data["engineer"].pk  # what the dispatcher chose stays chosen
    context.update(error=str(refusal), needs_override=True, values=request.POST)
    response = render(request, "dispatch/partials/picker.html", context)
    response["HX-Retarget"] = "#picker-body"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@board_required
@require_POST
def assign(request):
    form = AssignForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _respond(request)
    data = form.cleaned_data
    ticket, engineer = _ticket(data["ticket"]), data["engineer"]
    try:
        services.assign(ticket, engineer, by=request.user, now=timezone.now(),
                        travel_minutes=data.get("travel_minutes"), override_reason=data["override_reason"])
    except services.OverrideRequired as refusal:
        if request.htmx and request.POST.get("picker"):
            return _refused_in_picker(request, ticket, "assign", refusal, data)
        messages.error(request, str(refusal))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
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
    try:
        services.reassign(ticket, data["engineer"], by=request.user, now=timezone.now(), reason=data["reason"],
                          expected_assignee_id=data["expected_assignee"], override_reason=data["override_reason"])
    except services.OverrideRequired as refusal:
        if request.htmx and request.POST.get("picker"):
            return _refused_in_picker(request, ticket, "reassign", refusal, data)
        messages.error(request, str(refusal))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(number)s reassigned.") % {"number": ticket.number})
    return _respond(request)


def _picker_context(request, ticket, mode, selected=None):
    """Every engineer once, those who fit first (best suggestion first), each with why
    they would need an override."""
    profiles = selectors.engineers()
    ranked = [s.profile.user_id for s in selectors.suggest(ticket, profiles, limit=len(profiles))]
    options = []
    for profile in profiles:
        if mode == "reassign" and profile.user_id == ticket.assignee_id:
            continue
        why = services.describe_mismatches(
            ticket, profile, services.mismatches(ticket, profile, skill_ids=profile.skill_ids))
        options.append({"profile": profile, "why": why,
                        "rank": ranked.index(profile.user_id) if profile.user_id in ranked else len(ranked)})
    options.sort(key=lambda o: (o["rank"], str(o["profile"])))
    return {"ticket": ticket, "mode": mode, "options": options, "query": request.GET.urlencode(),
            "selected": selected if mode == "assign" else None,  # reassigning preselects nobody
            "needs_travel": ticket.service_type == "onsite" and ticket.customer.area != "urban"}


@login_required
@board_required
@require_GET
def picker(request):
    """The engineer picker for one ticket: a dialog on the board (HTMX), a page without JS."""
    form = PickerForm(request.GET)
    if not form.is_valid():
        raise Http404
    ticket = _ticket(form.cleaned_data["ticket"])
    mode = form.cleaned_data["mode"] or ("reassign" if ticket.assignee_id else "assign")
    context = _picker_context(request, ticket, mode, selected=form.cleaned_data["engineer"])
    board_query = request.GET.copy()  # what remains are the board's filters, kept on submit
    for name in ("ticket", "mode", "engineer"):
        board_query.pop(name, None)
    context["query"] = board_query.urlencode()
    template = "dispatch/partials/picker.html" if request.htmx else "dispatch/picker.html"
    return render(request, template, context)


@login_required
@board_required
@require_GET
def lane(request, engineer_id):
    """One engineer's open jobs, loaded when the dispatcher opens the lane."""
    return render(request, "dispatch/partials/lane_jobs.html",
                  {"jobs": selectors.lane_jobs(engineer_id), "engineer_id": engineer_id, "now": timezone.now()})


@login_required
@require_POST
def set_status(request):
    """Dispatchers set anyone's status from the board (one select per lane; without JS
    the lanes' selects are posted together as status-<id>); engineers their own from
    My jobs."""
    if "engineer" in request.POST:
        _set_one_status(request, request.POST)
    else:
        for key, value in request.POST.items():
            if key.startswith("status-") and key[7:].isdigit():
                _set_one_status(request, {"engineer": key[7:], "status": value}, only_if_changed=True)
    if request.user.has_perm("dispatch.view_board"):
        return _respond(request)
    return redirect("tickets:my_jobs")


def _set_one_status(request, data, *, only_if_changed=False):
    form = StatusForm(data)
    if not form.is_valid():
        _form_errors(request, form)
        return
    engineer, status = form.cleaned_data["engineer"], form.cleaned_data["status"]
    if only_if_changed and services.profile_for(engineer).status == status:
        return
    _run(request, lambda: services.set_status(engineer, status, by=request.user, now=timezone.now()))
