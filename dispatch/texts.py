"""Renderers of the dispatch desk's timeline text kinds (see staff/texts.py). Imported
from DispatchConfig.ready(). Parameters hold codes and names, translated when read."""
from django.utils.translation import gettext as _

from staff.texts import register
from tickets.choices import ServiceType


def _mismatch(code, p):
    if code == "off_duty":
        return _("is off duty")
    if code == "skill":
        return _("lacks the %(line)s skill") % {"line": p.get("line") or ""}
    try:
        service_type = str(ServiceType(p.get("service_type")).label)
    except ValueError:
        service_type = p.get("service_type") or ""
    return _("does not do %(type)s jobs") % {"type": service_type}


@register("assignment_override")
def _assignment_override(p):
    """The reason itself is the dispatcher's own words: stored in the event's message."""
    return _("Assignment override (%(name)s %(why)s)") % {
        "name": p["name"], "why": "; ".join(_mismatch(code, p) for code in p["override"])}
