"""Renderers of the spare-parts desk's timeline and inbox text kinds (see staff/texts.py).
Imported from SparesConfig.ready(). Parameters hold codes, numbers and names; labels
are translated when the text is read. What a person typed (a reason, a note, what the
vendor said) stays in the event's message / the notification's body."""
from django.utils.translation import gettext as _

from staff.texts import register

from .models import MilestoneKind


def _milestone(code):
    try:
        return str(MilestoneKind(code).label)
    except ValueError:
        return str(code or "")


# --- vendor repair (RMA) ----------------------------------------------------------------------

@register("rma_opened")
def _rma_opened(p):
    return _("%(rma)s opened for %(vendor)s") % p


@register("rma_shipped")
def _rma_shipped(p):
    return _("%(rma)s shipped to %(vendor)s (%(carrier)s %(tracking)s)") % p


@register("rma_milestone_done")
def _rma_milestone_done(p):
    return _("%(rma)s · %(milestone)s done") % {"rma": p["rma"], "milestone": _milestone(p["milestone"])}


@register("rma_returned")
def _rma_returned(p):
    return _("%(rma)s back from %(vendor)s") % p


@register("rma_written_off")
def _rma_written_off(p):
    return _("%(rma)s written off") % p


@register("rma_vendor_refused")
def _rma_vendor_refused(p):
    return _("%(vendor)s refuses to return %(rma)s (ticket %(number)s)") % p


@register("rma_missed")
def _rma_missed(p):
    return _("%(rma)s (%(number)s) missed: %(milestone)s") % {**p, "milestone": _milestone(p["milestone"])}


@register("rma_missed.body")
def _rma_missed_body(p):
    return p["vendor"]


@register("rma_top_priority")
def _rma_top_priority(p):
    return _("Top priority: %(rma)s (%(number)s) 30 days at %(vendor)s and not back") % p


@register("rma_top_priority.body")
def _rma_top_priority_body(p):
    return p["vendor"]


@register("rma_reminder")
def _rma_reminder(p):
    return _("Reminder: %(rma)s (%(number)s) still at %(vendor)s, day %(days)s") % p


@register("rma_reminder.body")
def _rma_reminder_body(p):
    return p["vendor"]


# --- quotes and reservations -------------------------------------------------------------------

@register("quote_created")
def _quote_created(p):
    return _("Quote Q-%(id)s: %(total)s") % p


@register("quote_accepted")
def _quote_accepted(p):
    return _("Quote Q-%(id)s accepted by %(name)s (%(total)s)") % p


@register("quote_declined")
def _quote_declined(p):
    return _("Quote Q-%(id)s declined; still chargeable: %(amount)s") % p


@register("quote_waived")
def _quote_waived(p):
    return _("Quote waived")


@register("part_reserved")
def _part_reserved(p):
    return _("Reserved %(quantity)s × %(part)s in %(warehouse)s") % p


@register("parts_issued")
def _parts_issued(p):
    return _("Parts used: %(parts)s") % p
