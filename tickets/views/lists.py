"""The ticket list (every ticket, keyset-paginated) and the engineer's own jobs."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .. import choices, selectors
from ..filtersets import TicketFilterSet
from ..models import Ticket
from .actions import available_actions
from .common import keyset_page, page_url, parse_id, permission_page


_CHOICE_FILTERS = [
    ("status", _("Status"), choices.Status.choices),
    ("priority", _("Priority"), choices.Priority.choices),
    ("category", _("Category"), choices.Category.choices),
    ("service_type", _("Service type"), choices.ServiceType.choices),
]


def _engineer_options(engineers, selected):
    """The assignee picker's <option>s, built in Python from plain values (no model
    instances): 300 engineers through the template language cost more than the rest of
    the page (issue 12)."""
    options = []
    for pk, first, last, username in engineers.values_list("pk", "first_name", "last_name", "username"):
        name = f"{first} {last}".strip() or username  # as User.get_full_name() or the username
        options.append(f'<option value="{pk}"{" selected" if str(pk) == selected else ""}>{escape(name)}</option>')
    return mark_safe("".join(options))  # names escaped


@permission_page("tickets.assign_ticket")
def engineer_options(request):
    """The <option>s of the assign and reassign forms' engineer picker (LazySelect), loaded
    when the form is opened; cached by the browser for a minute."""
    options = format_html_join("", '<option value="{}">{}</option>',
                               ((e.pk, e.get_full_name() or e.username) for e in selectors.engineers()))
    response = HttpResponse(format_html('<option value="">---------</option>{}', options))
    patch_cache_control(response, private=True, max_age=60)
    return response


def _filter_bar(request):
    """What the compact filter bar shows: one select per choice filter, current values."""
    return [
        {"name": name, "label": label, "choices": options, "selected": request.GET.getlist(name)}
        for name, label, options in _CHOICE_FILTERS
    ]


@login_required
def ticket_list(request):
    user = request.user
    if not user.has_perm("tickets.view_all_tickets"):
        if user.has_perm("tickets.work_ticket"):
            return redirect("tickets:my_jobs")
        raise PermissionDenied
    filterset = TicketFilterSet(request.GET or None, queryset=selectors.ticket_list(user), request=request)
    rows, older = keyset_page(filterset.qs, parse_id(request.GET.get("before")))
    context = {
        "filterset": filterset, "tickets": rows, "filter_bar": _filter_bar(request),
        "engineer_options": _engineer_options(filterset.form.fields["assignee"].queryset,
                                              request.GET.get("assignee", "")),
        "older_url": page_url(request, before=older) if older else None,
        "newest_url": page_url(request, before=None) if request.GET.get("before") else None,
    }
    template = "tickets/partials/ticket_table.html" if request.htmx else "tickets/ticket_list.html"
    return render(request, template, context)


@permission_page("tickets.work_ticket")
def my_jobs(request):
    jobs = list(selectors.my_jobs(request.user)[:200])
    for job in jobs:
        job.actions = available_actions(job, request.user)
    # The engineer's profile (dispatch app) is reached through its reverse accessor.
    profile = getattr(request.user, "engineer", None) if hasattr(request.user, "engineer") else None
    return render(request, "tickets/my_jobs.html", {"jobs": jobs, "profile": profile})
