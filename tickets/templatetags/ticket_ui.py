"""Small presentation helpers: coloured badges, person names, one form field."""
from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import choices

register = template.Library()

_LABELS = {
    "status": dict(choices.Status.choices),
    "priority": dict(choices.Priority.choices),
    "warranty": dict(choices.WarrantyStatus.choices),
}


@register.simple_tag
def badge(kind, value):
    """<span class="badge status-new">New</span>; kind is status, priority or warranty."""
    if not value:
        return ""
    label = _LABELS[kind].get(value, value)
    return format_html('<span class="badge {}-{}">{}</span>', kind, value, label)


@register.filter
def short_when(moment):
    """Month, day and time in the center's time zone; the year too when it is not this year."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return date_format(local, "m-d H:i" if local.year == timezone.localdate().year else "Y-m-d H:i")


@register.filter
def person(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def status_label(value):
    return _LABELS["status"].get(value, value)


@register.inclusion_tag("tickets/partials/field.html")
def field(bound_field, css=""):
    """Label, widget, help text and the field's errors, next to each other."""
    widget = bound_field.field.widget
    return {
        "f": bound_field, "css": css,
        "is_check": getattr(widget, "input_type", "") == "checkbox",
    }


@register.simple_tag
def doa_badge(is_doa):
    return format_html('<span class="badge doa">{}</span>', _("DOA")) if is_doa else ""


@register.simple_tag
def nav_links(items, path):
    """The navigation with only the most specific matching item active (the list page's
    URL is a prefix of every ticket page's, so prefix matching alone marks two items)."""
    matches = [item for item in items if path.startswith(str(item["url"]))]
    best = max(matches, key=lambda item: len(str(item["url"])), default=None)
    return [dict(item, active=item is best) for item in items]


@register.filter
def event_text(event):
    """The event's sentence in the reader's language (text kind + params, staff.texts);
    empty for rows written before texts were stored as data (they show their message)."""
    from staff.texts import render

    data = event.data if isinstance(event.data, dict) else {}
    return render(data.get("text"), data.get("params"))


@register.filter
def event_actor(user):
    """Who did it; events written by the sweep or an automatic job say "system"."""
    if user is None or user.get_username() == "system":
        return _("system")
    return user.get_full_name() or user.get_username()


@register.filter
def status_moved(event):
    """A real status change (start after arrival stays in progress: no arrow)."""
    return bool(event.to_status) and event.from_status != event.to_status


@register.simple_tag(takes_context=True)
def ticket_rows(context, tickets):
    """The list's <tr>s built in Python, the same HTML the template language made: 50 rows
    of eleven cells cost more there than the rest of the list page (issue 12). Labels are
    translated once per call, not once per row."""
    from urllib.parse import quote

    from django.urls import reverse
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from .sla_ui import sla_due

    now = context.get("now") or timezone.now()
    link = reverse("tickets:ticket_detail", args=["NUMBER"])
    labels = {kind: {value: escape(label) for value, label in options.items()} for kind, options in _LABELS.items()}
    category = {value: escape(label) for value, label in choices.Category.choices}
    service = {value: escape(label) for value, label in choices.ServiceType.choices}
    vip = ' <span class="badge vip">VIP</span>'
    breach = format_html(' <span class="badge breach" title="{}">SLA</span>', _("SLA breached"))
    repeat = format_html(' <span class="badge repeat">{}</span>', _("Repeat"))
    doa = doa_badge(True)

    def tag(kind, value):
        if not value:
            return ""
        return f'<span class="badge {escape(kind)}-{escape(value)}">{labels[kind].get(value, escape(value))}</span>'

    rows = []
    for t in tickets:
        unit = (f'{escape(t.unit.model.code)} <span class="muted">#{escape(t.unit.serial_number)}</span>'
                if t.unit else '<span class="muted">—</span>')
        rows.append(
            "\n    <tr>\n"
            f'      <td class="nowrap"><a class="num" href="{escape(link.replace("NUMBER", quote(t.number)))}">'
            f"{escape(t.number)}</a></td>\n"
            f'      <td class="nowrap muted">{escape(short_when(t.created_at))}</td>\n'
            f"      <td>{escape(t.customer.name)}{vip if t.customer.is_vip else ''}</td>\n"
            f"      <td>{unit}</td>\n"
            f"      <td>{category.get(t.category, escape(t.category))}</td>\n"
            f"      <td>{service.get(t.service_type, escape(t.service_type))}</td>\n"
            f"      <td>{tag('priority', t.priority)}</td>\n"
            f"      <td>{tag('status', t.status)}{breach if t.sla_breached else ''}</td>\n"
            f'      <td class="nowrap">{sla_due(t.current_due_at, t.sla_warned, now)}</td>\n'
            f"      <td>{escape(person(t.assignee))}</td>\n"
            f'      <td class="nowrap">{tag("warranty", t.warranty_status)} {doa if t.is_doa else ""}'
            f"{repeat if t.is_repeat else ''}</td>\n"
            "    </tr>")
    return mark_safe("".join(rows))  # every value above is escaped


@register.simple_tag(takes_context=True)
def job_cards(context, jobs):
    """My jobs' cards built in Python, the same HTML the template language made (40 cards
    cost most of the page there, issue 12); labels translated once per page."""
    from urllib.parse import quote

    from django.urls import reverse
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator
    from django.utils.translation import pgettext

    from .sla_ui import sla_due

    now = timezone.now()
    page = reverse("tickets:ticket_detail", args=["NUMBER"])
    action_url = reverse("tickets:ticket_action", args=["NUMBER", "ACTION"])
    depot_url = reverse("dispatch:depot", args=["NUMBER"])
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token"))
    request = context.get("request")
    here = escape(request.path) if request else ""
    labels = {kind: {value: escape(label) for value, label in options.items()} for kind, options in _LABELS.items()}
    service = {value: escape(label) for value, label in choices.ServiceType.choices}
    areas = {value: escape(label) for value, label in choices.Area.choices}
    call = escape(pgettext("dial a number", "Call"))
    arrive_by, complete_by, bench = escape(_("Arrive by")), escape(_("Complete by")), escape(_("Bench"))
    buttons = {"arrive": escape(_("Arrived")), "start": escape(_("Start work")), "resume": escape(_("Resume")),
               "unit_back": escape(_("Unit back"))}
    links = {"complete": (" primary", escape(_("Complete…"))), "hold": ("", escape(_("Hold…")))}
    doa = doa_badge(True)
    vip = ' <span class="badge vip">VIP</span>'
    due_sep = "\n      "

    def tag(kind, value):
        if not value:
            return ""
        return f'<span class="badge {escape(kind)}-{escape(value)}">{labels[kind].get(value, escape(value))}</span>'

    cards = []
    for job in jobs:
        number = quote(job.number)
        url = escape(page.replace("NUMBER", number))
        customer = job.customer
        phones = "".join(
            f'<a class="tel" href="tel:{escape(p.number)}"><span class="tel-label">{call}</span> '
            f"{escape(p.raw or p.number)}</a>" for p in customer.phones.all())
        address = (f'\n    <p class="job-address">{escape(customer.address)} <span class="muted">· '
                   f"{areas.get(customer.area, escape(customer.area))}</span></p>" if customer.address else "")
        unit = (f'{escape(job.unit.model.code)} <span class="muted">#{escape(job.unit.serial_number)}</span>'
                if job.unit else "")
        due = []
        if job.arrival_due_at and job.status == choices.Status.DISPATCHED:
            at = date_format(timezone.localtime(job.arrival_due_at), "H:i")
            due.append(f"{arrive_by} <strong>{at}</strong> {sla_due(job.arrival_due_at, False, now)}")
        if job.completion_due_at:
            at = date_format(timezone.localtime(job.completion_due_at), "m-d H:i")
            due.append(f"{complete_by} <strong>{at}</strong> {sla_due(job.completion_due_at, job.sla_warned, now)}")
        actions = []
        for name in job.actions:
            if name in buttons:
                target = escape(action_url.replace("NUMBER", number).replace("ACTION", name))
                actions.append(f'<form method="post" action="{target}">{csrf}<input type="hidden" name="next" '
                               f'value="{here}"><button type="submit" class="btn primary">{buttons[name]}</button>'
                               "</form>")
            elif name in links:
                style, label = links[name]
                actions.append(f'<a class="btn{style}" href="{url}#action-{name}">{label}</a>')
        if job.service_type in (choices.ServiceType.CARRY_IN, choices.ServiceType.MAIL_IN):
            actions.append(f'<a class="btn" href="{escape(depot_url.replace("NUMBER", number))}">{bench}</a>')
        priority = tag("priority", job.priority) if job.priority != choices.Priority.NORMAL else ""
        cards.append(
            f'\n  <article class="job card prio-{escape(job.priority)}">\n'
            f'    <header class="job-head">\n'
            f'      <a class="num" href="{url}">{escape(job.number)}</a>\n'
            f'      {tag("status", job.status)} {priority}\n'
            f'      <span class="muted small job-type">{service.get(job.service_type, escape(job.service_type))}'
            "</span>\n    </header>\n"
            f'    <p class="job-customer"><strong>{escape(customer.name)}</strong>'
            f"{vip if customer.is_vip else ''}</p>{address}\n"
            f'    <p class="job-phones">{phones}</p>\n'
            f'    <p class="job-unit">{unit} {tag("warranty", job.warranty_status)} {doa if job.is_doa else ""}</p>\n'
            f'    <p class="job-fault">{escape(Truncator(job.fault_description).chars(160))}</p>\n'
            f'    <p class="small job-due">\n      {due_sep.join(due)}\n    </p>\n'
            f'    <div class="job-actions">\n      {"".join(actions)}\n    </div>\n'
            "  </article>")
    return mark_safe("".join(cards))  # every value above is escaped
