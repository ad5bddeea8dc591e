"""SLA countdowns: <time class="due due-warned" data-due="…">1h 20m</time>, refreshed in
the browser by static/js/countdown.js between page loads."""
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def humanize_delta(seconds):
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {mins:02d}m"
    return f"{sign}{mins}m"


def due_state(due, now, warned=False):
    if due is None:
        return ""
    if due <= now:
        return "breached"
    return "warned" if warned else "ok"


@register.simple_tag
def sla_due(due, warned=False, now=None):
    """Remaining time to `due` (negative once breached), coloured by state."""
    if due is None:
        return mark_safe('<span class="muted">—</span>')  # a constant: nothing to escape
    now = now or timezone.now()
    state = due_state(due, now, warned)
    title = _("Due %(time)s") % {"time": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
    return format_html('<time class="due due-{}" datetime="{}" data-due="{}" title="{}">{}</time>',
                       state, due.isoformat(), int(due.timestamp()), title,
                       humanize_delta((due - now).total_seconds()))


@register.simple_tag
def clock_state(clock, now=None):
    return clock.state(now or timezone.now())


@register.filter
def duration_short(delta):
    """A timedelta as 1h 05m / 2d 3h."""
    if delta is None:
        return ""
    return humanize_delta(delta.total_seconds())


@register.simple_tag
def clock_due(clock, now=None):
    """Countdown of a running clock, warned from its stored warning time."""
    now = now or timezone.now()
    return sla_due(clock.due_at, warned=now >= clock.warn_at, now=now)
