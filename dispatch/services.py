"""Writes of the dispatch desk and the depot bench. Ticket transitions themselves stay
in tickets.services; these add what dispatch owns (engineer status, depot receipt,
bench tests, return to the customer, field jobs entered afterwards)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import choices, services as ticket_services
from tickets.choices import EventKind, ServiceType, Status
from tickets.exceptions import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.models import Ticket
from tickets.services.base import check_reported_time, is_back_dated
from tickets.warranty import assess_unit

from .models import BenchTest, DepotPhoto, DepotReceipt, EngineerProfile, EngineerStatus

DEPOT_TYPES = (ServiceType.CARRY_IN, ServiceType.MAIL_IN)


def profile_for(user):
    """The engineer's profile, created on first need; a depot engineer's does depot jobs."""
    from staff import roles

    depot = user.groups.filter(name=roles.DEPOT_ENGINEER).exists() and not user.groups.filter(
        name=roles.ONSITE_ENGINEER).exists()
    profile, _created = EngineerProfile.objects.get_or_create(
        user=user, defaults={"does_depot": depot, "does_onsite": not depot})
    return profile


def ensure_engineer_profile(user, *, role):
    """The engineer's profile, created when the role is given: depot engineers work
    carry-in/mail-in units, onsite engineers go out. An existing profile is kept."""
    from staff import roles

    depot = role == roles.DEPOT_ENGINEER
    profile, _ = EngineerProfile.objects.get_or_create(
        user=user, defaults={"does_depot": depot, "does_onsite": not depot})
    return profile


@transaction.atomic
def update_engineer(profile, *, by, now, product_lines, area, does_onsite, does_depot, status):
    """Skills (product lines), area, service types and status of an engineer, set by a
    supervisor or dispatcher from the engineers page."""
    if not by.has_perm("dispatch.change_engineerprofile"):
        raise PermissionDenied(_("You are not allowed to change engineers."))
    if area not in choices.Area.values:
        raise InvalidInput(_("Unknown area."))
    if not (does_onsite or does_depot):
        raise InvalidInput(_("An engineer works onsite jobs, depot jobs or both."))
    profile = EngineerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.area, profile.does_onsite, profile.does_depot = area, does_onsite, does_depot
    profile.save(update_fields=["area", "does_onsite", "does_depot"])
    profile.product_lines.set(product_lines)
    if status != profile.status:
        set_status(profile.user, status, by=by, now=now)
        profile.refresh_from_db()
    return profile


@transaction.atomic
def set_status(engineer, status, *, by, now):
    """An engineer sets their own status; a dispatcher may set anyone's."""
    if status not in EngineerStatus.values:
        raise InvalidInput(_("Unknown engineer status."))
    if by.pk != engineer.pk and not by.has_perm("dispatch.set_engineer_status"):
        raise PermissionDenied(_("Only dispatchers can set another engineer's status."))
    if not engineer.has_perm("tickets.work_ticket"):
        raise InvalidInput(_("Only engineers have a status."))
    profile = EngineerProfile.objects.select_for_update().get(pk=profile_for(engineer).pk)
    if profile.status != status:
        profile.status, profile.status_changed_at = status, now
        profile.save(update_fields=["status", "status_changed_at"])
    return profile


def refresh_status(engineer, *, now):
    """On a job while any of their tickets is in progress; otherwise available
    (an engineer who went off duty stays off duty)."""
    if engineer is None:
        return
    profile = profile_for(engineer)
    busy = Ticket.objects.filter(assignee=engineer, status=Status.IN_PROGRESS).exists()
    wanted = EngineerStatus.ON_JOB if busy else EngineerStatus.AVAILABLE
    if profile.status == EngineerStatus.OFF_DUTY and not busy:
        return
    if profile.status != wanted:
        EngineerProfile.objects.filter(pk=profile.pk).update(status=wanted, status_changed_at=now)


# --- assignment rules (issue 7 item 8) ----------------------------------------------------

OFF_DUTY, NO_SKILL, OTHER_SERVICE_TYPE = "off_duty", "skill", "service_type"


class OverrideRequired(Conflict):
    """The engineer does not fit the job; assigning anyway needs an override reason."""

    code = "override_required"

    def __init__(self, message, mismatches):
        super().__init__(message)
        self.mismatches = mismatches


def can_do_service_type(profile, service_type):
    if service_type in DEPOT_TYPES:
        return profile.does_depot
    if service_type == ServiceType.ONSITE:
        return profile.does_onsite
    return True


def mismatches(ticket, profile, *, skill_ids=None):
    """Why `profile` does not fit `ticket`, as codes: off duty, missing the unit's
    product-line skill, or not doing this service type. `skill_ids` (product line ids)
    may be passed when the skills were read already."""
    found = []
    if profile.status == EngineerStatus.OFF_DUTY:
        found.append(OFF_DUTY)
    line_id = ticket.unit.model.product_line_id if ticket.unit_id else None
    if line_id is not None:
        if skill_ids is None:
            skill_ids = {line.pk for line in profile.product_lines.all()}
        if line_id not in skill_ids:
            found.append(NO_SKILL)
    if not can_do_service_type(profile, ticket.service_type):
        found.append(OTHER_SERVICE_TYPE)
    return found


def describe_mismatches(ticket, profile, codes):
    """The codes in words, in the reader's language."""
    texts = {
        OFF_DUTY: _("is off duty"),
        NO_SKILL: _("lacks the %(line)s skill") % {
            "line": ticket.unit.model.product_line.name if ticket.unit_id else ""},
        OTHER_SERVICE_TYPE: _("does not do %(type)s jobs") % {"type": ticket.get_service_type_display()},
    }
    return [texts[code] for code in codes]


def _check_fit(ticket, engineer, override_reason, *, by):
    """The mismatches to record, or OverrideRequired when there is no override reason."""
    ticket_services.require_perm(by, "tickets.assign_ticket")
    if not (engineer.is_active and engineer.has_perm("tickets.work_ticket")):
        return None, []  # not an engineer at all: tickets.services refuses it in its words
    profile = profile_for(engineer)
    found = mismatches(ticket, profile)
    if found and not (override_reason or "").strip():
        raise OverrideRequired(
            _("%(name)s %(why)s. To assign anyway, give an override reason.") % {
                "name": engineer.get_full_name() or engineer.username,
                "why": "; ".join(describe_mismatches(ticket, profile, found))},
            found)
    return profile, found


def _log_override(ticket, engineer, profile, found, *, reason, by, now):
    """The timeline says who was assigned despite what (text kind assignment_override,
    rendered in the reader's language) and why, in the dispatcher's words."""
    ticket_services.log_event(
        ticket, kind=EventKind.ASSIGNMENT, by=by, now=now, message=reason.strip(),
        data={"assignee": engineer.pk, "override": found, "override_reason": reason.strip()},
        text="assignment_override", params={
            "name": engineer.get_full_name() or engineer.username, "override": found,
            "line": ticket.unit.model.product_line.name if ticket.unit_id else "",
            "service_type": ticket.service_type})


def _locked(ticket):
    return (Ticket.objects.select_for_update(of=("self",)).select_related("unit__model__product_line")
            .get(pk=ticket.pk))


@transaction.atomic
def assign(ticket, engineer, *, by, now, travel_minutes=None, override_reason=""):
    """The dispatcher's assignment (board and API): tickets.services.assign_ticket, but an
    engineer who is off duty, lacks the skill or does not do this service type needs an
    explicit override with a reason, recorded on the timeline."""
    ticket = _locked(ticket)
    assignable = ticket.status in choices.ALLOWED_TRANSITIONS["assign"][0] and not (
        ticket.assignee_id and ticket.status == Status.DISPATCHED)
    # a ticket that cannot be assigned now is refused by tickets.services in its words
    profile, found = _check_fit(ticket, engineer, override_reason, by=by) if assignable else (None, [])
    ticket = ticket_services.assign_ticket(ticket, engineer, by=by, now=now, travel_minutes=travel_minutes)
    if found:
        _log_override(ticket, engineer, profile, found, reason=override_reason, by=by, now=now)
    return ticket


@transaction.atomic
def reassign(ticket, engineer, *, by, now, reason, expected_assignee_id, override_reason=""):
    """tickets.services.reassign_ticket under the same fit rule as `assign`."""
    ticket = _locked(ticket)
    movable = ticket.status in (Status.DISPATCHED, Status.ON_HOLD) and ticket.assignee_id == expected_assignee_id
    profile, found = _check_fit(ticket, engineer, override_reason, by=by) if movable else (None, [])
    ticket = ticket_services.reassign_ticket(ticket, engineer, by=by, now=now, reason=reason,
                                             expected_assignee_id=expected_assignee_id)
    if found:
        _log_override(ticket, engineer, profile, found, reason=override_reason, by=by, now=now)
    return ticket


# --- depot bench -------------------------------------------------------------------------

def _require_depot(ticket, by, *, perm="dispatch.add_depotreceipt"):
    if ticket.service_type not in DEPOT_TYPES:
        raise TransitionNotAllowed(_("Only carry-in and mail-in tickets go through the depot."))
    if not by.has_perm(perm) and not by.has_perm("tickets.record_on_behalf"):
        raise PermissionDenied(_("Only depot staff can do this."))
    # Like onsite actions: the assigned engineer (anyone on the bench while the unit is
    # not assigned yet), a depot lead, a dispatcher on their behalf, or the spare-parts
    # desk (depot staff who do not work jobs themselves).
    if not (ticket.assignee_id in (None, by.pk) or by.has_perm("dispatch.lead_depot")
            or by.has_perm("tickets.record_on_behalf") or not by.has_perm("tickets.work_ticket")):
        raise PermissionDenied(_("Only the assigned engineer or a depot lead can do this on %(number)s.") % {
            "number": ticket.number})


@transaction.atomic
def receive_unit(ticket, *, by, now, condition, accessories="", photos=()):
    """Record the unit's condition, accessories and photos, and check its warranty
    again with what was received (proof, purchase date)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _require_depot(ticket, by)
    if ticket.status not in (Status.NEW, Status.DISPATCHED, Status.ON_HOLD):
        raise TransitionNotAllowed(_("The unit of %(number)s was already received.") % {"number": ticket.number})
    if DepotReceipt.objects.filter(ticket=ticket).exists():
        raise TransitionNotAllowed(_("The unit of %(number)s was already received.") % {"number": ticket.number})
    if not condition.strip():
        raise InvalidInput(_("Describe the condition of the unit."))
    receipt = DepotReceipt.objects.create(ticket=ticket, condition=condition.strip(),
                                          accessories=accessories.strip(), received_by=by, received_at=now)
    for photo in photos:
        record = DepotPhoto(receipt=receipt, image=photo, uploaded_at=now)
        record.full_clean()  # type and size checked before anything is stored
        record.save()
    _recheck_warranty(ticket, by=by, now=now)
    ticket_services.record_unit_received(ticket, now=now)
    ticket_services.log_event(ticket, kind=EventKind.UPDATE, by=by, now=now,
                              data={"depot_receipt": receipt.pk, "photos": len(photos)},
                              text="unit_received", params={"condition": receipt.condition})
    return receipt


def _recheck_warranty(ticket, *, by, now):
    if ticket.unit is None:
        return
    verdict = assess_unit(ticket.unit, today=timezone.localdate(ticket.created_at))
    if (verdict.status, verdict.is_doa) != (ticket.warranty_status, ticket.is_doa):
        ticket_services.log_event(ticket, kind=EventKind.UPDATE, by=by, now=now,
                                  data={"warranty_status": verdict.status, "is_doa": verdict.is_doa,
                                        "previous_warranty_status": ticket.warranty_status},
                                  text="warranty_rechecked",
                                  params={"from": ticket.warranty_status, "to": verdict.status})
        ticket.warranty_status, ticket.is_doa = verdict.status, verdict.is_doa
        ticket.save(update_fields=["warranty_status", "is_doa", "updated_at"])


@transaction.atomic
def record_test(ticket, *, by, now, kind, result, notes=""):
    """Fault test before the repair, post-repair test after it; the job must be under way."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _require_depot(ticket, by, perm="dispatch.add_benchtest")
    if not DepotReceipt.objects.filter(ticket=ticket).exists():
        raise TransitionNotAllowed(_("Receive the unit before testing it."))
    if ticket.status != Status.IN_PROGRESS:
        raise TransitionNotAllowed(_("Start the job before recording a test."))
    test = BenchTest(ticket=ticket, kind=kind, result=result, notes=notes.strip(), tested_by=by, tested_at=now)
    if (kind, result) not in _VALID_RESULTS:
        raise InvalidInput(_("This result does not belong to that test."))
    test.save()
    ticket_services.log_event(ticket, kind=EventKind.NOTE, by=by, now=now,
                              message=test.notes, data={"bench_test": test.pk, "kind": kind, "result": result},
                              text="bench_test", params={"kind": kind, "result": result})
    return test


_VALID_RESULTS = {
    (BenchTest.Kind.FAULT, BenchTest.Result.FAULT_CONFIRMED), (BenchTest.Kind.FAULT, BenchTest.Result.NO_FAULT_FOUND),
    (BenchTest.Kind.POST_REPAIR, BenchTest.Result.PASSED), (BenchTest.Kind.POST_REPAIR, BenchTest.Result.FAILED),
}


def check_depot_completion(ticket, outcome):
    """A depot repair is complete only after a passed post-repair test (the last one)."""
    if ticket.service_type not in DEPOT_TYPES or outcome not in (choices.Outcome.REPAIRED, choices.Outcome.REPLACED):
        return
    last = BenchTest.objects.filter(ticket=ticket, kind=BenchTest.Kind.POST_REPAIR).order_by("-tested_at", "-id").first()
    if last is None or last.result != BenchTest.Result.PASSED:
        raise TransitionNotAllowed(_("Record a passed post-repair test before completing a depot repair."))


@transaction.atomic
def return_to_customer(ticket, *, by, now, method, tracking=""):
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _require_depot(ticket, by)
    receipt = DepotReceipt.objects.select_for_update().filter(ticket=ticket).first()
    if receipt is None or ticket.status not in (Status.COMPLETED, Status.CLOSED, Status.CANCELLED):
        raise TransitionNotAllowed(_("Only a received unit whose job is finished can go back to the customer."))
    if receipt.returned_at:
        raise TransitionNotAllowed(_("The unit was already returned."))
    if method not in ("pickup", "courier") or (method == "courier" and not tracking.strip()):
        raise InvalidInput(_("Choose pickup, or courier with a tracking number."))
    receipt.returned_at, receipt.return_method = now, method
    receipt.return_tracking, receipt.returned_by = tracking.strip(), by
    receipt.save()
    ticket_services.log_event(ticket, kind=EventKind.UPDATE, by=by, now=now,
                              data={"returned": method, "tracking": receipt.return_tracking},
                              text="unit_returned", params={"method": method})
    return receipt


# --- field jobs ---------------------------------------------------------------------------

def _check_field_job_records(by, customer, unit):
    """A field job may not become a way into records the engineer could not see: only the
    customers and units of their own jobs, unless a dispatcher records it."""
    from tickets.selectors import visible_customers, visible_units

    if unit is not None and unit.customer_id != customer.pk:
        raise InvalidInput(_("This unit belongs to another customer."))
    if by.has_perm("tickets.record_on_behalf"):
        return
    if not visible_customers(by).filter(pk=customer.pk).exists() or (
            unit is not None and not visible_units(by).filter(pk=unit.pk).exists()):
        raise PermissionDenied(_("You can enter a field job only for customers and units of your own jobs; "
                                 "ask a dispatcher to record it."))


@transaction.atomic
def enter_field_job(*, by, now, engineer, customer, unit, category, service_type, fault_description,
                    received_at, arrived_at=None, started_at=None, priority=choices.Priority.NORMAL,
                    fault_code=None, completion=None):
    """A job an engineer took directly in the field, entered afterwards with its real
    times. `completion` (optional) holds the complete() arguments incl. `at`. When a
    dispatcher enters it, each step is recorded as on the engineer's behalf."""
    _check_field_job_records(by, customer, unit)
    times = [t for t in (received_at, arrived_at, started_at, (completion or {}).get("at")) if t]
    if any(later < earlier for earlier, later in zip(times, times[1:])):
        raise InvalidInput(_("The times must follow each other: received, arrived, started, completed."))
    for at in times:  # never in the future, at most BACKDATE_LIMIT_DAYS ago
        check_reported_time(at, now=now)
    ticket = ticket_services.create_ticket(
        by=by, now=received_at, customer=customer, unit=unit, channel=choices.Channel.FIELD, category=category,
        service_type=service_type, priority=priority, fault_description=fault_description, fault_code=fault_code,
        # The job already happened on site: it is recorded even if the unit has another
        # open ticket, and the timeline says so (the intake warning is for new calls).
        duplicate_reason=_("Job taken in the field"))
    ticket_services.assign_ticket(ticket, engineer, by=by, now=received_at)
    if arrived_at:
        ticket = ticket_services.arrive(ticket, by=by, now=now, at=arrived_at)
    if started_at:
        ticket = ticket_services.start_work(ticket, by=by, now=now, at=started_at)
    if completion:
        ticket = ticket_services.complete(ticket, by=by, now=now, **completion)
    data, params = {"field_job": True}, {}
    if is_back_dated(received_at, now=now):
        data.update(back_dated=True, received_at=received_at.isoformat())
        params["back_dated_to"] = received_at.isoformat()
    ticket_services.log_event(ticket, kind=EventKind.NOTE, by=by, now=now, data=data, text="field_job_entered",
                              params=params, on_behalf_of=engineer if by.pk != engineer.pk else None)
    return ticket
