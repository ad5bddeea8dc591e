"""Vendor repair (RMA): every path that sends a unit to a vendor opens an RMA here — the
ticket's "send to vendor" (page and API) through `send_to_vendor`, the desk's form through
`create_rma` + `ship_rma` — so the seed-002 milestones always run. Shipped, the ticket goes
at_vendor (its completion clock stops); milestones are completed with notes; the return
(the ticket goes back to in_progress) or a supervisor's write-off ends it."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets.choices import EventKind, Priority, Status
from tickets.clocks import policy_for
from tickets.exceptions import InvalidInput, TransitionNotAllowed
from tickets.models import Ticket
from tickets.services import log_event, require_perm
from tickets.services.work import check_vendor_desk, move_back_from_vendor, move_to_vendor

from .. import milestones
from ..models import MilestoneKind, Rma, RmaMilestone, RmaStatus
from ..models.rma import OPEN_RMA


def center_calendar():
    return policy_for(Priority.NORMAL).calendar


def _lock(rma):
    return Rma.objects.select_for_update().select_related("ticket", "vendor").get(pk=rma.pk)


def _names(rma, **more):
    return {"rma": rma.number, "vendor": rma.vendor.name, "number": rma.ticket.number, **more}


@transaction.atomic
def create_rma(ticket, *, vendor, reason, by, now, received_at=None):
    """The unit reached the spare-parts desk for vendor repair: the 4-hour ship clock runs."""
    require_perm(by, "spares.manage_rma")
    return _open(ticket, vendor=vendor, reason=reason, by=by, now=now, received_at=received_at)


def _open(ticket, *, vendor, reason, by, now, received_at=None):
    if vendor is None:
        raise InvalidInput(_("Choose the vendor."))
    if not reason.strip():
        raise InvalidInput(_("Say why the unit goes to the vendor."))
    if not ticket.is_open or ticket.unit_id is None:
        raise TransitionNotAllowed(_("Only an open ticket with a unit can go to a vendor."))
    if Rma.objects.filter(ticket=ticket, status__in=OPEN_RMA).exists():
        raise TransitionNotAllowed(_("Ticket %(number)s already has an open RMA.") % {"number": ticket.number})
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(_("The time cannot be in the future."))
    rma = Rma.objects.create(ticket=ticket, vendor=vendor, reason=reason.strip(), is_doa=ticket.is_doa,
                             received_at=received_at, created_by=by, created_at=now)
    RmaMilestone.objects.create(rma=rma, kind=MilestoneKind.SHIPPED,
                                due_at=milestones.ship_due(received_at, center_calendar()))
    log_event(ticket, kind=EventKind.UPDATE, by=by, now=now, message=rma.reason, data={"rma": rma.pk},
              text="rma_opened", params={"rma": rma.number, "vendor": vendor.name})
    return rma


@transaction.atomic
def send_to_vendor(ticket, *, vendor, reason, by, now, carrier="", tracking_number="", expected_back=None,
                   cost=None, note=""):
    """The ticket's "send to vendor" (page and API): opens the RMA (the 4-hour ship clock
    runs from now), the ticket goes at_vendor (completion clock stopped) and, with a
    carrier and tracking number, the unit is shipped at once (the follow-ups are due).
    Who may: the vendor desk or the ticket's engineer, as for the ticket transition."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_vendor_desk(ticket, by)
    rma = _open(ticket, vendor=vendor, reason=reason, by=by, now=now)
    rma.ticket = move_to_vendor(ticket, rma=rma, by=by, now=now, note=note.strip())
    if carrier.strip() or tracking_number.strip():
        _ship(rma, carrier=carrier, tracking_number=tracking_number, by=by, now=now, expected_back=expected_back,
              cost=cost)
    return rma


@transaction.atomic
def ship_rma(rma, *, carrier, tracking_number, by, now, expected_back=None, cost=None, shipped_at=None):
    """Carrier and tracking number recorded: the ship milestone is met (or late), the
    ticket goes at_vendor (its completion clock stops) and the follow-ups are due."""
    require_perm(by, "spares.manage_rma")
    return _ship(_lock(rma), carrier=carrier, tracking_number=tracking_number, by=by, now=now,
                 expected_back=expected_back, cost=cost, shipped_at=shipped_at)


def _ship(rma, *, carrier, tracking_number, by, now, expected_back=None, cost=None, shipped_at=None):
    if rma.status != RmaStatus.AWAITING_SHIPMENT:
        raise TransitionNotAllowed(_("%(rma)s was already shipped.") % {"rma": rma.number})
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput(_("Record the carrier and the tracking number."))
    shipped_at = shipped_at or now
    if shipped_at > now or shipped_at < rma.received_at:
        raise InvalidInput(_("The shipping time must be between the unit's arrival and now."))
    if rma.ticket.status != Status.AT_VENDOR:
        rma.ticket = move_to_vendor(rma.ticket, rma=rma, by=by, now=now)
    rma.carrier, rma.tracking_number, rma.shipped_at = carrier.strip(), tracking_number.strip(), shipped_at
    rma.expected_back = expected_back
    if cost is not None:
        rma.cost = cost
    rma.status = RmaStatus.SHIPPED
    rma.next_reminder_at = milestones.first_reminder_at(shipped_at, center_calendar())
    rma.save()
    RmaMilestone.objects.filter(rma=rma, kind=MilestoneKind.SHIPPED).update(
        completed_at=shipped_at, completed_by=by, note=f"{rma.carrier} {rma.tracking_number}")
    RmaMilestone.objects.bulk_create([
        RmaMilestone(rma=rma, kind=kind, due_at=due)
        for kind, due in milestones.follow_up_dues(shipped_at, center_calendar()).items()])
    log_event(rma.ticket, kind=EventKind.UPDATE, by=by, now=now, data={"rma": rma.pk, "shipped": True},
              text="rma_shipped", params=_names(rma, carrier=rma.carrier, tracking=rma.tracking_number))
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
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now, message=milestone.note,
              data={"rma": rma.pk, "milestone": kind}, text="rma_milestone_done",
              params={"rma": rma.number, "milestone": str(kind)})
    return milestone


def _finish(rma, status, *, now):
    rma.status = status
    rma.top_priority = False
    rma.next_reminder_at = None
    rma.save()
    RmaMilestone.objects.filter(rma=rma, completed_at__isnull=True).update(cancelled=True)


@transaction.atomic
def record_rma_return(rma, *, by, now, note=""):
    """The unit is back (the RMA desk): the RMA closes and the ticket returns to in_progress."""
    require_perm(by, "spares.manage_rma")
    rma = _lock(rma)
    if rma.status != RmaStatus.SHIPPED:
        raise TransitionNotAllowed(_("%(rma)s is not at the vendor.") % {"rma": rma.number})
    return _return(rma, by=by, now=now, note=note)


def _return(rma, *, by, now, note=""):
    rma.returned_at, rma.return_note = now, note.strip()
    RmaMilestone.objects.filter(rma=rma, kind=MilestoneKind.DAY_30, completed_at__isnull=True).update(
        completed_at=now, completed_by=by, note=note.strip())
    _finish(rma, RmaStatus.RETURNED, now=now)
    log_event(rma.ticket, kind=EventKind.UPDATE, by=by, now=now, message=rma.return_note,
              data={"rma": rma.pk, "returned": True}, text="rma_returned", params=_names(rma))
    if rma.ticket.status == Status.AT_VENDOR:
        move_back_from_vendor(rma.ticket, by=by, now=now, rma=rma)
    return rma


@transaction.atomic
def unit_back(ticket, *, by, now, note=""):
    """The ticket's "unit back from vendor" (page and API): records the return of its open
    RMA (one not shipped yet ends too: the unit never left), which moves the ticket on.
    A ticket sent before RMAs existed just goes back to in_progress."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_vendor_desk(ticket, by)
    rma = (Rma.objects.select_for_update().select_related("ticket", "vendor")
           .filter(ticket=ticket, status__in=OPEN_RMA).first())
    if rma is None:
        return move_back_from_vendor(ticket, by=by, now=now, note=note.strip())
    if ticket.status != Status.AT_VENDOR:
        raise TransitionNotAllowed(_("%(number)s is not at a vendor.") % {"number": ticket.number})
    _return(rma, by=by, now=now, note=note)
    return Ticket.objects.get(pk=ticket.pk)


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
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now, message=rma.write_off_reason,
              data={"rma": rma.pk, "written_off": True}, text="rma_written_off", params=_names(rma))
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
    notify(purchasing_staff(), text="rma_vendor_refused", params=_names(rma), body=note.strip(), now=now,
           link=rma.get_absolute_url(), kind=Notification.Kind.ESCALATION, email=True)
    log_event(rma.ticket, kind=EventKind.NOTE, by=by, now=now, message=note.strip(),
              data={"rma": rma.pk, "vendor_refused": True}, text="rma_vendor_refused", params=_names(rma))
    return rma
