"""Intake: customers, units, ticket numbers, new tickets, inquiries answered on the call."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import choices, clocks
from ..choices import EventKind, Status
from ..exceptions import InvalidFields, InvalidInput, OpenTicketExists, PhoneOnFile, TransitionNotAllowed
from ..models import ClockKind, Customer, CustomerPhone, ProductUnit, Ticket, TicketSequence
from ..phones import normalize_phone
from ..warranty import assess_unit
from .base import _lock, _move, log_event, require_perm


def _check_phones_free(phones, *, customer=None):
    """Each phone belongs to one customer: a number already on file is refused with a
    pointer to its customer (the rule of the legacy import)."""
    numbers = [normalize_phone(raw) for raw in phones if raw and raw.strip()]
    taken = CustomerPhone.objects.filter(number__in=[n for n in numbers if n]).select_related("customer")
    if customer is not None:
        taken = taken.exclude(customer=customer)
    owner = taken.order_by("id").first()
    if owner is not None:
        raise PhoneOnFile(
            _("The phone %(phone)s is already on file for %(name)s; pick that customer instead.") % {
                "phone": owner.raw or owner.number, "name": owner.customer.name},
            field="phones", extra={"customer": owner.customer_id, "customer_name": owner.customer.name,
                                   "customer_url": owner.customer.get_absolute_url()})


@transaction.atomic
def create_customer(*, by, name, phones=(), **fields):
    require_perm(by, "tickets.add_customer")
    _check_phones_free(phones)
    customer = Customer(name=name.strip(), **fields)
    customer.full_clean()
    customer.save()
    for raw in phones:
        if raw and raw.strip():
            CustomerPhone.objects.get_or_create(
                customer=customer, number=normalize_phone(raw), defaults={"raw": raw.strip()})
    return customer


@transaction.atomic
def create_unit(*, by, customer, model, serial_number, **fields):
    require_perm(by, "tickets.add_productunit")
    serial_number = serial_number.strip()
    if ProductUnit.objects.filter(model=model, serial_number__iexact=serial_number).exists():
        raise InvalidInput(_("A unit of this model with serial number %(serial)s already exists.") % {
            "serial": serial_number})
    unit = ProductUnit(customer=customer, model=model, serial_number=serial_number, **fields)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def update_customer(customer, *, by, phones=None, **fields):
    """Change a customer's fields; a given phone list replaces the stored phones."""
    require_perm(by, "tickets.change_customer")
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    customer.save()
    if phones is not None:
        _check_phones_free(phones, customer=customer)
        _replace_phones(customer, phones)
    return customer


def _replace_phones(customer, phones):
    wanted = {normalize_phone(raw): raw.strip() for raw in phones if raw.strip()}
    customer.phones.exclude(number__in=wanted).delete()
    for number, raw in wanted.items():
        CustomerPhone.objects.get_or_create(customer=customer, number=number, defaults={"raw": raw})


@transaction.atomic
def update_unit(unit, *, by, **fields):
    require_perm(by, "tickets.change_productunit")
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


def next_ticket_number(now):
    """SR-YYYY-NNNNNN from a per-year counter. Call inside a transaction."""
    return reserve_ticket_numbers(timezone.localtime(now).year, 1)[0]


def reserve_ticket_numbers(year, count):
    """Move the year's counter on by `count` and return the numbers taken. The UPDATE
    takes a row lock, so concurrent intakes (and imports) never share a number."""
    if not TicketSequence.objects.filter(year=year).update(last=F("last") + count):
        try:
            with transaction.atomic():
                TicketSequence.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another intake created this year's row first
        TicketSequence.objects.filter(year=year).update(last=F("last") + count)
    last = TicketSequence.objects.get(year=year).last
    return [f"SR-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


@transaction.atomic
def create_ticket(*, by, now, customer, channel, category, service_type, unit=None,
                  priority=choices.Priority.NORMAL, fault_description="", fault_code=None, duplicate_reason="",
                  service_point=None):
    """Log a call: the warranty status and DOA flag are read off the unit, not typed
    (an inquiry is never DOA: nothing failed). Engineers may log the jobs they took
    directly in the field (channel `field`). A unit with an open ticket gets a second
    one only with `duplicate_reason`, recorded on the new ticket's timeline."""
    if not (channel == choices.Channel.FIELD and by.has_perm("tickets.work_ticket")):
        require_perm(by, "tickets.add_ticket")
    _check_choices(channel=(channel, choices.Channel), category=(category, choices.Category),
                   service_type=(service_type, choices.ServiceType), priority=(priority, choices.Priority))
    if unit is not None and unit.customer_id != customer.pk:
        raise InvalidInput(_("The unit belongs to another customer."))
    _check_service_point(service_point)
    if unit is None and category not in (choices.Category.INQUIRY, choices.Category.COMPLAINT):
        raise InvalidInput(_("A %(category)s ticket needs a product unit.") % {
            "category": choices.Category(category).label})
    open_ticket = _open_ticket_of(unit, reason=duplicate_reason)
    verdict = assess_unit(unit, today=timezone.localdate(now)) if unit else None
    ticket = Ticket.objects.create(
        number=next_ticket_number(now), customer=customer, unit=unit, channel=channel,
        category=category, service_type=service_type, priority=priority,
        fault_description=fault_description, fault_code=fault_code,
        fault_kind=fault_code.kind if fault_code else "",
        warranty_status=verdict.status if verdict else choices.WarrantyStatus.UNVERIFIED,
        is_doa=bool(verdict and verdict.is_doa and category != choices.Category.INQUIRY),
        created_by=by, created_at=now, service_point=service_point,
    )
    clocks.start_clock(ticket, ClockKind.RESPONSE, now=now)
    ticket.save(update_fields=["response_due_at"])
    log_event(ticket, kind=EventKind.CREATED, by=by, now=now, to_status=Status.NEW,
              data={"channel": channel, "category": category, "warranty_status": ticket.warranty_status})
    if open_ticket is not None:
        log_event(ticket, kind=EventKind.NOTE, by=by, now=now, message=duplicate_reason.strip(),
                  data={"duplicate_of": open_ticket.number}, text="duplicate_override",
                  params={"number": open_ticket.number})
    return ticket


def _check_service_point(warehouse):
    """A ticket's branch is a warehouse of kind service point (head office and vans hold stock only)."""
    from spares.models import WarehouseKind

    if warehouse is not None and warehouse.kind != WarehouseKind.SERVICE_POINT:
        raise InvalidFields({"service_point": _("Choose a service point, not another kind of warehouse.")})


def _open_ticket_of(unit, *, reason):
    """The unit's open ticket, if any; refused without a reason. The unit row is locked so
    two agents taking calls about the same unit cannot both miss each other's ticket."""
    if unit is None:
        return None
    ProductUnit.objects.select_for_update().filter(pk=unit.pk).first()
    existing = (Ticket.objects.filter(unit=unit, status__in=choices.OPEN_STATUSES)
                .order_by("-id").only("id", "number").first())
    if existing is None:
        return None
    if not reason.strip():
        raise OpenTicketExists(
            _("%(number)s is still open for this unit. Open it, or give a reason to create another ticket.") % {
                "number": existing.number},
            field="duplicate_reason",
            extra={"open_ticket": existing.number, "open_ticket_url": existing.get_absolute_url()})
    if len(reason) > 2000:
        raise InvalidInput(_("The reason is too long."))
    return existing


def _check_choices(**fields):
    """Values from callers other than forms/serializers are checked here too."""
    errors = {name: _("“%(value)s” is not a valid choice.") % {"value": value}
              for name, (value, options) in fields.items() if value not in options.values}
    if errors:
        raise InvalidFields(errors)


@transaction.atomic
def resolve_at_intake(ticket, *, by, now, answer):
    """An inquiry answered on the call: closed at once with outcome `answered`."""
    require_perm(by, "tickets.resolve_at_intake")
    ticket = _lock(ticket)
    if ticket.category != choices.Category.INQUIRY:
        raise TransitionNotAllowed(_("Only inquiries can be resolved at intake."))
    if not answer.strip():
        raise InvalidInput(_("Record the answer given to the customer."))
    ticket.outcome = choices.Outcome.ANSWERED
    ticket.close_reason = choices.CloseReason.RESOLVED_AT_INTAKE
    ticket.closed_at = now
    clocks.stop_clock(ticket, ClockKind.RESPONSE, now=now)
    return _move(ticket, "resolve_at_intake", by=by, now=now, message=answer.strip())
