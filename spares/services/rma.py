"""Vendor repair (RMA): created when the unit reaches the desk, shipped (the ticket
goes at_vendor and its completion clock stops), milestones completed with notes, the
return (the ticket goes back to in_progress) or a supervisor's write-off."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets import services as ticket_services
from tickets.choices import EventKind, Priority, Status
from tickets.clocks import policy_for
from tickets.exceptions import InvalidInput, TransitionNotAllowed
from tickets.services import log_event, require_perm

from .. import milestones
from ..models import MilestoneKind, Rma, RmaMilestone, RmaStatus


def center_calendar():
    return policy_for(Priority.NORMAL).calendar


def _lock(rma):
    return Rma.objects.select_for_update().select_related("ticket", "vendor").get(pk=rma.pk)


@transaction.atomic
def create_rma(ticket, *, vendor, reason, by, now, received_at=None):
    """The unit reached the spare-parts desk for vendor repair: the 4-hour ship clock runs."""
    require_perm(by, "spares.manage_rma")
    if not reason.strip():
        raise InvalidInput(_("Say why the unit goes to the vendor."))
    if not ticket.is_open or ticket.unit_id is None:
        raise TransitionNotAllowed(_("Only an open ticket with a unit can go to a vendor."))
    if Rma.objects.filter(ticket=ticket, status__in=(RmaStatus.AWAITING_SHIPMENT, RmaStatus.SHIPPED)).exists():
        raise TransitionNotAllowed(_("Ticket %(number)s already has an open RMA.") % {"number": ticket.number})
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(_("The time cannot be in the future."))
    rma = Rma.objects.create(ticket=ticket, vendor=vendor, reason=reason.strip(), is_doa=ticket.is_doa,
                             received_at=received_at, created_by=by, created_at=now)
    RmaMilestone.objects.create(rma=rma, kind=MilestoneKind.SHIPPED,
                                due_at=milestones.ship_due(received_at, center_calendar()))
    log_event(ticket, kind=EventKind.UPDATE, by=by, now=now, message=_("%(rma)s opened for %(vendor)s: %(reason)s") % {
        "rma": rma.number, "vendor": vendor.name, "reason": rma.reason}, data={"rma": rma.pk})
    return rma


@transaction.atomic
def ship_rma(rma, *, carrier, tracking_number, by, now, expected_back=None, cost=None, shipped_at=None):
    """Carrier and tracking number recorded: the ship milestone is met (or late), the
    ticket goes at_vendor (its completion clock stops) and the follow-ups are due."""
    require_perm(by, "spares.manage_rma")
    rma = _lock(rma)
    if rma.status != RmaStatus.AWAITING_SHIPMENT:
        raise TransitionNotAllowed(_("%(rma)s was already shipped.") % {"rma": rma.number})
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput(_("Record the carrier and the tracking number."))
    shipped_at = shipped_at or now
    if shipped_at > now or shipped_at < rma.received_at:
        raise InvalidInput(_("The shipping time must be between the unit's arrival and now."))
    if rma.ticket.status != Status.AT_VENDOR:
        ticket_services.send_to_vendor(rma.ticket, by=by, now=now, note=_("%(rma)s shipped") % {"rma": rma.number})
    rma.carrier, rma.tracking_number, rma.shipped_at = carrier.strip(), tracking_number.strip(), shipped_at
    rma.expected_back = expected_back
    if cost is not None:
        rma.cost = cost
    rma.status = RmaStatus.SHIPPED
    rma.save()
    RmaMilestone.objects.filter(rma=rma, kind=MilestoneKind.SHIPPED).update(
        completed_at=shipped_at, completed_by=by, note=f"{rma.carrier} {rma.tracking_number}")
    RmaMilestone.objects.bulk_create([
        RmaMilestone(rma=rma, kind=kind, due_at=due)
        for kind, due in milestones.follow_up_dues(shipped_at, center_calendar()).items()])
    return rma


@transaction.atomic
def complete_milestone(rma, kind, *, note, by, now):
    """A follow-up done, with its note. The 30-day milestone ends only with the return."""
    require_perm(by, "spares.manage_rma")
    rma = _lock(rma)
    if not note.strip():
        raise InvalidInput(_("Write what was found out."))
    if kind == MilestoneKind.DAY_30:
        raise TransitionNotAllowed(_("The 30-day milestone ends when the unit is back."))
    milestone = RmaMilestone.objects.select_for_update().filter(rma=rma, kind=kind).first()
    if milestone is None or not milestone.is_open:
        raise TransitionNotAllowed(_("This milestone is not open."))
    milestone.completed_at, milestone.completed_by, milestone.note = now, by, note.strip()
    milestone.save(update_fields=["completed_at", "completed_by", "note"])
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now, message=f"{rma.number} · "
              f"{MilestoneKind(kind).label}: {milestone.note}", data={"rma": rma.pk, "milestone": kind})
    return milestone


def _finish(rma, status, *, now):
    rma.status = status
    rma.top_priority = False
    rma.save()
    RmaMilestone.objects.filter(rma=rma, completed_at__isnull=True).update(cancelled=True)


@transaction.atomic
def record_rma_return(rma, *, by, now, note=""):
    """The unit is back: the RMA closes and the ticket returns to in_progress."""
    require_perm(by, "spares.manage_rma")
    rma = _lock(rma)
    if rma.status != RmaStatus.SHIPPED:
        raise TransitionNotAllowed(_("%(rma)s is not at the vendor.") % {"rma": rma.number})
    rma.returned_at, rma.return_note = now, note.strip()
    RmaMilestone.objects.filter(rma=rma, kind=MilestoneKind.DAY_30, completed_at__isnull=True).update(
        completed_at=now, completed_by=by, note=note.strip())
    _finish(rma, RmaStatus.RETURNED, now=now)
    if rma.ticket.status == Status.AT_VENDOR:
        ticket_services.unit_back_from_vendor(rma.ticket, by=by, now=now,
                                              note=_("%(rma)s back from the vendor") % {"rma": rma.number})
    return rma


@transaction.atomic
def write_off_rma(rma, *, reason, by, now):
    """A supervisor accepts that the vendor keeps the unit (the only way a DOA RMA ends
    without the unit coming back); the reason goes on the ticket's timeline."""
    require_perm(by, "spares.write_off_rma")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the write-off."))
    rma = _lock(rma)
    if not rma.is_open:
        raise TransitionNotAllowed(_("%(rma)s is already closed.") % {"rma": rma.number})
    rma.written_off_at, rma.written_off_by, rma.write_off_reason = now, by, reason.strip()
    _finish(rma, RmaStatus.WRITTEN_OFF, now=now)
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now,
              message=_("%(rma)s written off: %(reason)s") % {"rma": rma.number, "reason": rma.write_off_reason},
              data={"rma": rma.pk, "written_off": True})
    return rma


def purchasing_staff():
    return list(get_user_model().objects.filter(groups__name=roles.PURCHASING, is_active=True).distinct())


@transaction.atomic
def record_vendor_refusal(rma, *, note, by, now):
    """The vendor will not return (or exchange) the unit: purchasing must demand it."""
    require_perm(by, "spares.manage_rma")
    if not note.strip():
        raise InvalidInput(_("Write what the vendor said."))
    rma = _lock(rma)
    if rma.status != RmaStatus.SHIPPED:
        raise TransitionNotAllowed(_("%(rma)s is not at the vendor.") % {"rma": rma.number})
    rma.vendor_refused_at = now
    rma.save(update_fields=["vendor_refused_at"])
    title = _("%(vendor)s refuses to return %(rma)s (ticket %(number)s)") % {
        "vendor": rma.vendor.name, "rma": rma.number, "number": rma.ticket.number}
    notify(purchasing_staff(), title=title, body=note.strip(), now=now, link=rma.get_absolute_url(),
           kind=Notification.Kind.ESCALATION, email=True)
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now, message=f"{title}: {note.strip()}",
              data={"rma": rma.pk, "vendor_refused": True})
    return rma
