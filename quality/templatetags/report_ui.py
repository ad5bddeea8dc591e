"""Template helpers of the reports: drill-down links and rate formatting."""
from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def drill_url(query, figure, **overrides):
    """The ticket list behind `figure` for this period and filters (overrides narrow it:
    model=…, service_type=…, engineer=…, clock=…)."""
    params = {"figure": figure, **query.params(), **{k: v for k, v in overrides.items() if v not in (None, "")}}
    return reverse("reports:drill_down") + "?" + urlencode(params)


@register.filter
def pct(value):
    return "—" if value is None else f"{value:.1f} %"


@register.filter
def minutes(value):
    if value is None:
        return "—"
    hours, rest = divmod(round(value), 60)
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest} if hours else _("%(m)d min") % {"m": rest}


@register.filter
def days(value):
    return "—" if value is None else _("%(d)s d") % {"d": f"{value:.1f}"}


@register.filter
def score(value):
    return "—" if value is None else f"{value:.2f}"
