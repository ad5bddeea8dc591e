"""The dispatcher's board (live through HTMX polling) and its actions. Every write goes
through tickets.services / dispatch.services; a refusal becomes a message, never a 500.

The board body carries its version; the poll sends it back as If-None-Match and gets
304 Not Modified (no rendering, two small aggregates) while nothing moved. One engineer
picker serves the page: the assign/reassign form is loaded into a dialog when opened."""
import hashlib
from html import escape
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.middleware.csrf import get_token
from django.utils.http import RFC3986_SUBDELIMS, parse_etags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tickets.choices import Area
from tickets.exceptions import DomainError
from tickets.models import Ticket
from tickets.templatetags.sla_ui import due_state, humanize_delta, sla_due
from tickets.templatetags.ticket_ui import badge

from . import selectors, services
from .forms import AssignForm, BoardFilterForm, PickerForm, ReassignForm, StatusForm
from .models import EngineerStatus

board_required = permission_required("dispatch.view_board", raise_exception=True)
FULL_REFRESH_SECONDS = 300  # what no fingerprint covers (skills, areas) shows within 5 minutes


def _filters(request, lines):
    form = BoardFilterForm(request.GET or None, lines=lines)
    values = form.cleaned_data if form.is_valid() else {}
    return form, {k: v for k, v in values.items() if v}


def _etag(request):
    """The board's version for this URL, reader and language (read once per request)."""
    if hasattr(request, "_board_etag"):
        return request._board_etag
    now = timezone.now()
    version, request._board_queued = selectors.board_state()
    parts = (version, request.GET.urlencode(), get_language(), request.user.pk,
             int(now.timestamp() // FULL_REFRESH_SECONDS))
    request._board_etag = '"%s"' % hashlib.sha1(repr(parts).encode()).hexdigest()[:20]
    return request._board_etag


def _board_context(request):
    """Seven queries at most for the whole page: user, board state (version and queue
    count), product lines (filter and skills), profiles with skills, loads, the queue,
    the unread badge."""
    etag = _etag(request)
    lines = selectors.product_lines()
    form, filters = _filters(request, lines)
    # the board state counted the unfiltered queue; a filtered one is counted by the queue's statement
    data = selectors.board(**filters, lines=lines, queue_total=None if filters else request._board_queued)
    now = timezone.now()
    data["lanes_html"] = _label_lanes(data["lanes"], now)
    data["queue_html"] = _queue_cards(data["queue"], now, query=request.GET.urlencode(), csrf=get_token(request))
    return {"filter_form": form, "query": request.GET.urlencode(), "now": now, "etag": etag,
            "filters": filters, **data}


def _due(due, now):
    """A compact countdown (countdown.js keeps it ticking): 300 of them on the board."""
    return (f'<time class="due due-{due_state(due, now, False)}" data-due="{int(due.timestamp())}">'
            f'{humanize_delta((due - now).total_seconds())}</time>')


def _label_lanes(lanes, now):
    """Each lane's HTML, built once per render in Python with plain string formatting:
    300 lanes through the template engine (or format_html, which escapes every argument
    through lazy wrappers) cost most of the board's 150 ms budget. Every piece that
    repeats (options, labels, skill chips, load texts) is translated and escaped once.
    The markup is the one of dispatch/partials/board_body.html's lanes."""
    areas = {value: escape(str(label)) for value, label in Area.choices}
    options = {value: "".join('<option value="{}"{}>{}</option>'.format(
        v, " selected" if v == value else "", escape(str(label))) for v, label in EngineerStatus.choices)
        for value in EngineerStatus.values}
    words = {"onsite": _("onsite"), "depot": _("depot")}
    kinds = {(onsite, depot): escape("/".join(words[k] for k, on in (("onsite", onsite), ("depot", depot)) if on))
             for onsite in (False, True) for depot in (False, True)}
    status_of, next_due = _("Status of %(name)s"), escape(_("next due"))
    no_skills = '<span class="muted small">{}</span>'.format(escape(_("no skills recorded")))
    jobs = ('<details class="jobs"><summary class="small">{}</summary><a class="small" href="{}?assignee={{}}">{}'
            '</a></details>').format(escape(_("Jobs")), escape(reverse("tickets:ticket_list")), escape(_("Open the list")))
    chips, loads = {}, {}
    for lane in lanes:
        name = str(lane)
        if lane.load not in loads:
            loads[lane.load] = escape(ngettext("%(n)d open job", "%(n)d open jobs", lane.load) % {"n": lane.load})
        for line in lane.skills:
            if line.pk not in chips:
                chips[line.pk] = '<span class="chip static">{}</span>'.format(escape(line.name))
        due = " · {} {}".format(next_due, _due(lane.next_due_at, now)) if lane.next_due_at else ""
        lane.html = (
            '<article class="lane est-{0}" data-engineer="{1}"><header><strong>{2}</strong><select name="status-{1}" '
            'form="status-form" class="est" aria-label="{3}">{4}</select></header>\n<p class="small muted">{5} · {6} · '
            '{7}{8}</p>\n<p class="skills">{9}</p>\n{10}</article>\n'.format(
                escape(lane.status), lane.user_id, escape(name), escape(status_of % {"name": name}),
                options.get(lane.status, ""), areas.get(lane.area) or escape(lane.area),
                kinds[bool(lane.does_onsite), bool(lane.does_depot)], loads[lane.load], due,
                "".join(chips[line.pk] for line in lane.skills) or no_skills,
                jobs.format(lane.user_id) if lane.load else ""))
    return mark_safe("".join(lane.html for lane in lanes))  # one string: no template loop over 300 lanes


def _queue_cards(queue, now, *, query, csrf):
    """The queued tickets' cards, built in Python like the lanes (30 cards through the
    template engine took 11 ms: tags, filters and translations per card). The markup is
    the one dispatch/partials/board_body.html had for `{% for t, suggestions in queue %}`."""
    query = escape(query)
    assign = escape(reverse("dispatch:assign")) + "?" + query
    picker = escape(reverse("dispatch:picker"))
    detail = reverse("tickets:ticket_detail", args=["NUMBER"])  # one reverse(), not one per card
    words = {"respond_in": escape(_("respond in")), "travel": escape(_("Travel (min)")),
             "nobody": escape(_("Nobody fits without an override.")), "other": escape(_("Other engineer…"))}
    csrf = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'.format(escape(csrf))
    lists = {}  # suggestions are shared by tickets of the same group and area (selectors.Pool)
    cards = []
    for t, suggestions in queue:
        if id(suggestions) not in lists:
            lists[id(suggestions)] = '<ol class="suggestions">{}</ol>'.format("".join(
                '<li><button class="chip" type="submit" name="engineer" value="{}">{}</button> '
                '<span class="why small muted">{}</span></li>'.format(
                    s.profile.user_id, escape(str(s.profile)), " · ".join(escape(str(w)) for w in s.explanation))
                for s in suggestions)) if suggestions else '<p class="small muted">{}</p>'.format(words["nobody"])
        customer, number = t.customer, escape(t.number)
        picker_url = "{}?ticket={}&amp;mode=assign&amp;{}".format(picker, number, query)
        cards.append(
            '<article class="qcard prio-{prio}{warned}" draggable="true" data-ticket="{number}" data-area="{area}">'
            '<header><a class="num" href="{url}">{number}</a>{badge}<span class="spacer"></span>'
            '<span class="muted small">{respond_in}</span> {due}</header><div class="qbody"><strong>{name}</strong>'
            '{vip}<span class="muted">· {area_label} · {service_type}</span><br>{model}<span class="small">{fault}'
            '</span></div><form class="qassign" method="post" action="{assign}" hx-post="{assign}" '
            'hx-target="#board-body" hx-swap="outerHTML">{csrf}<input type="hidden" name="ticket" value="{number}">'
            '{travel}{suggestions}<a class="btn small" href="{picker}" hx-get="{picker}" hx-target="#picker-body" '
            'hx-swap="innerHTML">{other}</a></form></article>\n      '.format(
                prio=escape(t.priority), warned=" is-warned" if t.sla_warned else "", number=number,
                area=escape(customer.area), url=escape(detail.replace("NUMBER", quote(t.number, safe=RFC3986_SUBDELIMS + "/~:@"))),
                badge=badge("priority", t.priority), respond_in=words["respond_in"],
                due=sla_due(t.response_due_at, t.sla_warned, now), name=escape(customer.name),
                vip=' <span class="badge vip">VIP</span>' if customer.is_vip else "",
                area_label=escape(str(customer.get_area_display())),
                service_type=escape(str(t.get_service_type_display())),
                model='<span class="mono small">{}</span> '.format(escape(t.unit.model.code)) if t.unit else "",
                fault=escape(Truncator(t.fault_description).chars(90)), assign=assign, csrf=csrf,
                travel='<label class="small">{} <input name="travel_minutes" type="number" min="0" max="1440" '
                       'value="30" class="travel"></label>'.format(words["travel"])
                if customer.area != "urban" and t.service_type == "onsite" else "",
                suggestions=lists[id(suggestions)], picker=picker_url, other=words["other"]))
    return mark_safe("".join(cards))


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
