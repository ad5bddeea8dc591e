"""Legacy data import (SPEC §10): customers with their units, and tickets, from CSV files.

Two passes. The first validates every row (one Django form per row, so each problem is
reported against its column) and resolves what the row refers to; the second writes the
good rows through the same services the pages use, all in one transaction. A file with
bad rows imports nothing unless ``skip_bad`` is set, so an import never half-writes.
"""
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import choices, services
from .choices import EventKind, Status
from .exceptions import DomainError
from .models import Customer, CustomerPhone, FaultCode, ProductModel, ProductUnit, Ticket, TicketEvent
from .phones import normalize_phone
from .selectors import engineers
from .services.intake import reserve_ticket_numbers
from .warranty import assess_unit

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"]
DATETIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
_PHONE_SPLIT = re.compile(r"[,;/\n]")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header); nothing was imported."""


@dataclass
class RowError:
    line: int
    errors: dict  # column → [messages]

    def __str__(self):
        parts = [f"{column}: {' '.join(messages)}" if column != "__all__" else " ".join(messages)
                 for column, messages in self.errors.items()]
        return _("line %(line)d: %(problems)s") % {"line": self.line, "problems": "; ".join(parts)}


@dataclass
class ImportReport:
    rows: int = 0
    errors: list = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    imported: bool = False  # False: a dry run, or the file had errors and skip_bad was not set

    @property
    def skipped(self):
        return len(self.errors) if self.imported else 0


# --- fields --------------------------------------------------------------------------------

class YesNoField(forms.Field):
    """yes/no, true/false, 1/0, y/n, 是/否; blank is no."""

    YES, NO = {"yes", "y", "true", "1", "是"}, {"no", "n", "false", "0", "否", ""}

    def to_python(self, value):
        value = (value or "").strip().lower()
        if value in self.YES:
            return True
        if value in self.NO:
            return False
        raise ValidationError(_("Write yes or no."))


def _choice(options, *, required=True, subset=None):
    values = [(v, label) for v, label in options.choices if subset is None or v in subset]
    return forms.ChoiceField(choices=values, required=required)


def _phones(value):
    phones = [p.strip() for p in _PHONE_SPLIT.split(value or "") if p.strip()]
    if not phones or not all(len(normalize_phone(p)) >= 5 for p in phones):
        raise ValidationError(_("Enter one or more phone numbers, separated by “;”."))
    return phones


# --- reading -------------------------------------------------------------------------------

def read_csv(stream, *, columns, required):
    """Yield (line number, row dict or None, problem) with lower-case headers and
    stripped values; blank rows are left out. Unknown or missing columns fail the whole
    file before any row is read."""
    if isinstance(stream, bytes | bytearray):
        stream = io.StringIO(stream.decode("utf-8-sig"))
    reader = csv.DictReader(stream)
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file is not in the expected encoding (%(error)s).") % {"error": error}) from None
    if not header:
        raise ImportFileError(_("The file is empty."))
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        raise ImportFileError(_("Bad header (%(problems)s). Expected columns: %(expected)s.") % {
            "problems": "; ".join(problems), "expected": ", ".join(columns)})
    reader.fieldnames = header
    try:
        for row in reader:
            if None in row:  # more cells than header columns
                yield reader.line_num, None, _("This row has more cells than the header.")
                continue
            values = {k: (v or "").strip() for k, v in row.items()}
            if any(values.values()):
                yield reader.line_num, values, None
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file is not in the expected encoding (%(error)s).") % {"error": error}) from None
    except csv.Error as error:
        raise ImportFileError(_("The file is not valid CSV near line %(line)d: %(error)s") % {
            "line": reader.line_num, "error": error}) from None


def _run(stream, *, columns, required, validate, write, skip_bad, dry_run, progress, every, prepare=None):
    report = ImportReport()
    plans = []
    for line, row, problem in read_csv(stream, columns=columns, required=required):
        report.rows += 1
        if problem:
            report.errors.append(RowError(line, {"__all__": [problem]}))
        else:
            try:
                plans.append((line, validate(row, line)))
            except ValidationError as error:
                report.errors.append(RowError(line, _as_dict(error)))
        if progress and report.rows % every == 0:
            progress("validated", report.rows)
    if dry_run or (report.errors and not skip_bad):
        return report
    with transaction.atomic():
        if prepare:
            prepare([plan for _line, plan in plans])
        for done, (line, plan) in enumerate(plans, 1):
            try:
                write(plan, line, report.created)
            except (DomainError, ValidationError, IntegrityError) as error:
                # Checked in the first pass already; reaching here means the data changed
                # under the import. Fail the whole import rather than leave it half done.
                raise ImportFileError(_("line %(line)d could not be written: %(error)s") % {
                    "line": line, "error": error}) from None
            if progress and done % every == 0:
                progress("imported", done)
    report.imported = True
    return report


def _as_dict(error):
    if hasattr(error, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _form_errors(form):
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


class _Lookups:
    """Small caches so a file of many rows asks the database once per distinct value."""

    def __init__(self):
        self._models, self._faults, self._engineers = {}, {}, {}

    def model(self, code):
        if code not in self._models:
            self._models[code] = ProductModel.objects.filter(code__iexact=code).first()
        return self._models[code]

    def fault(self, code):
        if code not in self._faults:
            self._faults[code] = FaultCode.objects.filter(code__iexact=code).first()
        return self._faults[code]

    def engineer(self, username):
        if username not in self._engineers:
            self._engineers[username] = engineers().filter(username__iexact=username).first()
        return self._engineers[username]


# --- customers and units ----------------------------------------------------------------------

CUSTOMER_COLUMNS = ["name", "phones", "email", "address", "area", "customer_type", "is_vip",
                    "model", "serial_number", "purchase_date", "invoice_number", "proof_verified", "sold_by"]
CUSTOMER_REQUIRED = ["name", "phones"]


class CustomerRow(forms.Form):
    name = forms.CharField(max_length=200)
    phones = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    address = forms.CharField(required=False)
    area = _choice(choices.Area, required=False)
    customer_type = _choice(choices.CustomerType, required=False)
    is_vip = YesNoField(required=False)
    model = forms.CharField(max_length=60, required=False)
    serial_number = forms.CharField(max_length=80, required=False)
    purchase_date = forms.DateField(required=False, input_formats=DATE_FORMATS)
    invoice_number = forms.CharField(max_length=80, required=False)
    proof_verified = YesNoField(required=False)
    sold_by = forms.CharField(max_length=120, required=False)

    def clean_phones(self):
        return _phones(self.cleaned_data["phones"])


@dataclass
class CustomerPlan:
    data: dict
    customer_pk: int | None  # an existing customer the row belongs to
    first_line: int | None  # or an earlier row of this file that creates the customer
    model: ProductModel | None
    new_phones: dict  # normalised → as written: the numbers no customer has yet


class _CustomerImport:
    def __init__(self, by, today):
        self.by, self.today, self.lookups = by, today, _Lookups()
        self.phone_owner = {}  # normalised phone → ("db", pk, name) or ("row", line, name)
        self.serials = {}  # (model pk, serial lower) → line
        self.created = {}  # line → Customer created by the write pass

    def validate(self, row, line):
        form = CustomerRow(row)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        errors = {}
        model = None
        if data["model"] or data["serial_number"]:
            model = self.lookups.model(data["model"]) if data["model"] else None
            if not data["model"]:
                errors["model"] = [_("Give the product model of the unit.")]
            elif model is None:
                errors["model"] = [_("No product model with code “%(code)s”.") % {"code": data["model"]}]
            if not data["serial_number"]:
                errors["serial_number"] = [_("Give the unit's serial number.")]
        elif data["purchase_date"] or data["invoice_number"] or data["proof_verified"]:
            errors["model"] = [_("Purchase details need a unit: give its model and serial number.")]
        if data["purchase_date"] and data["purchase_date"] > self.today:
            errors["purchase_date"] = [_("The purchase date is in the future.")]
        if model is not None and data["serial_number"]:
            key = (model.pk, data["serial_number"].lower())
            if key in self.serials:
                errors["serial_number"] = [_("This unit is already on line %(line)d.") % {"line": self.serials[key]}]
            elif ProductUnit.objects.filter(model=model, serial_number__iexact=data["serial_number"]).exists():
                errors["serial_number"] = [_("A unit of this model with serial number %(serial)s already exists.") % {
                    "serial": data["serial_number"]}]
        owner = self._owner(data, errors)
        if errors:
            raise ValidationError(errors)
        new_phones = {}
        for raw in data["phones"]:
            if normalize_phone(raw) not in self.phone_owner:
                new_phones.setdefault(normalize_phone(raw), raw)
        self._register(data, line, owner, model)
        kind, ref, _name = owner or (None, None, None)
        return CustomerPlan(data=data, customer_pk=ref if kind == "db" else None,
                            first_line=ref if kind == "row" else None, model=model, new_phones=new_phones)

    def _owner(self, data, errors):
        """The customer these phones already belong to, if any; one name per phone."""
        owners = set()
        for raw in data["phones"]:
            number = normalize_phone(raw)
            if number not in self.phone_owner:
                match = CustomerPhone.objects.filter(number=number).select_related("customer").first()
                if match:
                    self.phone_owner[number] = ("db", match.customer_id, match.customer.name)
            if number in self.phone_owner:
                owners.add(self.phone_owner[number])
        if len(owners) > 1:
            errors["phones"] = [_("These numbers belong to different customers.")]
            return None
        owner = next(iter(owners), None)
        if owner and owner[2].strip().lower() != data["name"].strip().lower():
            where = (_("line %(line)d") % {"line": owner[1]}) if owner[0] == "row" else _("the customer file")
            errors["name"] = [_("The phone number is already %(name)s's (%(where)s).") % {
                "name": owner[2], "where": where}]
        return owner

    def _register(self, data, line, owner, model):
        for raw in data["phones"]:
            self.phone_owner.setdefault(normalize_phone(raw), owner or ("row", line, data["name"]))
        if model is not None:
            self.serials[(model.pk, data["serial_number"].lower())] = line

    def write(self, plan, line, created):
        """Rows were checked in the first pass (fields, duplicates, permission), so this
        writes with in-memory field checks only: three statements for a new customer
        with a unit; the database constraints still guard the rest."""
        data = plan.data
        if plan.customer_pk:
            customer = Customer(pk=plan.customer_pk)
        elif plan.first_line:
            customer = self.created[plan.first_line]
        else:
            customer = Customer(
                name=data["name"], email=data["email"], address=data["address"],
                area=data["area"] or choices.Area.URBAN,
                customer_type=data["customer_type"] or choices.CustomerType.CONSUMER, is_vip=data["is_vip"])
            customer.clean_fields()
            customer.save()
            self.created[line] = customer
            created["customers"] += 1
        CustomerPhone.objects.bulk_create(
            [CustomerPhone(customer=customer, number=number, raw=raw) for number, raw in plan.new_phones.items()])
        if plan.new_phones and (plan.customer_pk or plan.first_line):
            created["phones"] += len(plan.new_phones)
        if plan.model is not None:
            unit = ProductUnit(
                customer=customer, model=plan.model, serial_number=data["serial_number"],
                purchase_date=data["purchase_date"], invoice_number=data["invoice_number"],
                proof_verified=data["proof_verified"], sold_by=data["sold_by"])
            unit.clean_fields(exclude=["customer", "model", "proof_image"])
            unit.save()
            created["units"] += 1


def import_customers(stream, *, by, skip_bad=False, dry_run=False, progress=None, every=1000, today=None):
    """Customers (one row each, or one per unit: rows sharing a phone are one customer)
    and their units. Needs the add-customer and add-unit permissions."""
    services.require_perm(by, "tickets.add_customer")
    services.require_perm(by, "tickets.add_productunit")
    job = _CustomerImport(by, today or timezone.localdate())
    return _run(stream, columns=CUSTOMER_COLUMNS, required=CUSTOMER_REQUIRED, validate=job.validate,
                write=job.write, skip_bad=skip_bad, dry_run=dry_run, progress=progress, every=every)


# --- tickets ---------------------------------------------------------------------------------

TICKET_COLUMNS = ["legacy_ref", "created_at", "phone", "model", "serial_number", "channel", "category",
                  "service_type", "priority", "fault_code", "fault_description", "status", "engineer",
                  "outcome", "completed_at", "closed_at", "close_reason", "cancel_reason"]
TICKET_REQUIRED = ["created_at", "phone", "channel", "category", "service_type", "status"]
IMPORT_STATUSES = (Status.NEW, Status.CLOSED, Status.CANCELLED)


class TicketRow(forms.Form):
    legacy_ref = forms.CharField(max_length=40, required=False)
    created_at = forms.DateTimeField(input_formats=DATETIME_FORMATS)
    phone = forms.CharField(max_length=40)
    model = forms.CharField(max_length=60, required=False)
    serial_number = forms.CharField(max_length=80, required=False)
    channel = _choice(choices.Channel)
    category = _choice(choices.Category)
    service_type = _choice(choices.ServiceType)
    priority = _choice(choices.Priority, required=False)
    fault_code = forms.CharField(max_length=30, required=False)
    fault_description = forms.CharField(required=False)
    status = _choice(choices.Status, subset=IMPORT_STATUSES)
    engineer = forms.CharField(max_length=150, required=False)
    outcome = _choice(choices.Outcome, required=False)
    completed_at = forms.DateTimeField(required=False, input_formats=DATETIME_FORMATS)
    closed_at = forms.DateTimeField(required=False, input_formats=DATETIME_FORMATS)
    close_reason = _choice(choices.CloseReason, required=False)
    cancel_reason = forms.CharField(required=False)

    status_help = gettext_lazy("Open tickets are imported as new (assign them on the board); "
                               "history as closed or cancelled.")

    def __init__(self, *args, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["status"].error_messages["invalid_choice"] = _(
            "“%(value)s” cannot be imported. ") + str(self.status_help)

    def clean(self):
        data = super().clean()
        status, created = data.get("status"), data.get("created_at")
        for name in ("created_at", "completed_at", "closed_at"):
            if data.get(name) and data[name] > self.now:
                self.add_error(name, _("This time is in the future."))
        if status == Status.CLOSED:
            if not data.get("outcome"):
                self.add_error("outcome", _("A closed ticket needs its outcome."))
            if not data.get("closed_at"):
                self.add_error("closed_at", _("A closed ticket needs the time it was closed."))
        elif status == Status.CANCELLED:
            if not data.get("cancel_reason"):
                self.add_error("cancel_reason", _("A cancelled ticket needs the reason."))
            if not data.get("closed_at"):
                self.add_error("closed_at", _("Give the time the ticket was cancelled."))
        elif status == Status.NEW:
            for name in ("outcome", "completed_at", "closed_at", "close_reason", "cancel_reason", "engineer"):
                if data.get(name):
                    self.add_error(name, _("A new ticket has no %(field)s yet.") % {"field": name})
        if created:
            for name in ("completed_at", "closed_at"):
                if data.get(name) and data[name] < created:
                    self.add_error(name, _("This is before the ticket was created."))
        if data.get("completed_at") and data.get("closed_at") and data["closed_at"] < data["completed_at"]:
            self.add_error("closed_at", _("The ticket was closed before it was completed."))
        return data


@dataclass
class TicketPlan:
    data: dict
    customer: Customer
    unit: ProductUnit | None
    fault_code: FaultCode | None
    engineer: object


class _TicketImport:
    def __init__(self, by, now):
        self.by, self.now, self.lookups = by, now, _Lookups()
        self.numbers = {}  # year → iterator over the numbers reserved for history tickets
        self.refs = {}  # legacy_ref → line (references are compared exactly, as the database does)

    def validate(self, row, line):
        form = TicketRow(row, now=self.now)
        if not form.is_valid():
            raise _form_errors(form)
        data, errors = form.cleaned_data, {}
        ref = data["legacy_ref"]
        if ref:
            existing = Ticket.objects.filter(legacy_ref=ref).values_list("number", flat=True).first()
            if ref in self.refs:
                errors["legacy_ref"] = [_("This reference is already on line %(line)d.") % {"line": self.refs[ref]}]
            elif existing:
                errors["legacy_ref"] = [_("Already imported as %(number)s.") % {"number": existing}]
        customer, unit = self._parties(data, errors)
        fault = None
        if data["fault_code"]:
            fault = self.lookups.fault(data["fault_code"])
            if fault is None:
                errors["fault_code"] = [_("No fault code “%(code)s”.") % {"code": data["fault_code"]}]
        engineer = None
        if data["engineer"]:
            engineer = self.lookups.engineer(data["engineer"])
            if engineer is None:
                errors["engineer"] = [_("No engineer with the login “%(name)s”.") % {"name": data["engineer"]}]
        if unit is None and customer is not None and data["category"] not in (
                choices.Category.INQUIRY, choices.Category.COMPLAINT):
            errors.setdefault("serial_number", []).append(_("A %(category)s ticket needs a product unit.") % {
                "category": choices.Category(data["category"]).label})
        if errors:
            raise ValidationError(errors)
        if ref:
            self.refs[ref] = line
        return TicketPlan(data=data, customer=customer, unit=unit, fault_code=fault, engineer=engineer)

    def _parties(self, data, errors):
        """The unit (by model and serial) decides the customer; its owner must have the
        phone. Without a unit the phone must name exactly one customer."""
        number = normalize_phone(data["phone"])
        owners = list(CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True)[:2])
        if not owners:
            errors["phone"] = [_("No customer with the phone %(phone)s; import the customers first.") % {
                "phone": data["phone"]}]
            return None, None
        if data["model"] or data["serial_number"]:
            model = self.lookups.model(data["model"]) if data["model"] else None
            if model is None or not data["serial_number"]:
                errors["model"] = [_("Give the unit's product model code and serial number.")]
                return None, None
            unit = (ProductUnit.objects.select_related("customer")
                    .filter(model=model, serial_number__iexact=data["serial_number"]).first())
            if unit is None:
                errors["serial_number"] = [_("No %(model)s unit with serial number %(serial)s; import the units first.") % {
                    "model": model.code, "serial": data["serial_number"]}]
                return None, None
            if unit.customer_id not in owners:
                errors["phone"] = [_("The unit belongs to a customer without this phone.")]
                return None, None
            if unit.purchase_date and data.get("created_at") \
                    and unit.purchase_date > timezone.localdate(data["created_at"]):
                errors["created_at"] = [_("This is before the unit was bought (%(date)s).") % {
                    "date": unit.purchase_date.isoformat()}]
            unit.model = model
            return unit.customer, unit
        if len(owners) > 1:
            errors["phone"] = [_("Several customers have this phone; give the unit's model and serial number.")]
            return None, None
        return Customer.objects.get(pk=owners[0]), None

    def prepare(self, plans):
        """Take the numbers of the history tickets in one step per year, rather than
        updating the year's counter row once per ticket."""
        years = Counter(timezone.localtime(p.data["created_at"]).year for p in plans if p.data["status"] != Status.NEW)
        self.numbers = {year: iter(reserve_ticket_numbers(year, count)) for year, count in sorted(years.items())}

    def write(self, plan, line, created):
        data = plan.data
        if data["status"] == Status.NEW:
            ticket = services.create_ticket(
                by=self.by, now=data["created_at"], customer=plan.customer, unit=plan.unit,
                channel=data["channel"], category=data["category"], service_type=data["service_type"],
                priority=data["priority"] or choices.Priority.NORMAL,
                fault_description=data["fault_description"], fault_code=plan.fault_code,
                # the legacy system may hold several open tickets for one unit: keep them all
                duplicate_reason=_("Imported from legacy records (reference %(ref)s).") % {
                    "ref": data["legacy_ref"] or "—"})
            ticket.legacy_ref = data["legacy_ref"]
            ticket.save(update_fields=["legacy_ref"])
            TicketEvent.objects.create(**self._imported_note(ticket, line))
        else:
            self._history(plan, line)
        created[f"tickets_{data['status']}"] += 1

    def _imported_note(self, ticket, line):
        ref = ticket.legacy_ref
        return dict(ticket=ticket, kind=EventKind.NOTE, actor=self.by, at=ticket.created_at,
                    message=_("Imported from legacy records (reference %(ref)s).") % {"ref": ref or "—"},
                    data={"imported": True, "legacy_ref": ref, "line": line})

    def _history(self, plan, line):
        """A closed or cancelled ticket of the past: stored as it ended, without SLA clocks
        (they would only raise escalations for what is long over)."""
        data, created_at, ended_at = plan.data, plan.data["created_at"], plan.data["closed_at"]
        verdict = assess_unit(plan.unit, today=timezone.localdate(created_at)) if plan.unit else None
        closed = data["status"] == Status.CLOSED
        ticket = Ticket.objects.create(
            number=next(self.numbers[timezone.localtime(created_at).year]), legacy_ref=data["legacy_ref"], customer=plan.customer,
            unit=plan.unit, channel=data["channel"], category=data["category"], service_type=data["service_type"],
            priority=data["priority"] or choices.Priority.NORMAL, fault_description=data["fault_description"],
            fault_code=plan.fault_code, fault_kind=plan.fault_code.kind if plan.fault_code else "",
            warranty_status=verdict.status if verdict else choices.WarrantyStatus.UNVERIFIED,
            is_doa=verdict.is_doa if verdict else False, status=data["status"], assignee=plan.engineer,
            outcome=data["outcome"] if closed else "", close_reason=data["close_reason"] if closed else "",
            cancel_reason=data["cancel_reason"] if not closed else "",
            completed_at=(data["completed_at"] or ended_at) if closed else None,
            closed_at=ended_at if closed else None, cancelled_at=None if closed else ended_at,
            created_by=self.by, created_at=created_at,
        )
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket=ticket, kind=EventKind.CREATED, actor=self.by, at=created_at, to_status=Status.NEW,
                        data={"channel": ticket.channel, "category": ticket.category,
                              "warranty_status": ticket.warranty_status}),
            TicketEvent(**self._imported_note(ticket, line)),
            TicketEvent(ticket=ticket, kind=EventKind.STATUS_CHANGE, actor=self.by, at=ended_at,
                        from_status=Status.NEW, to_status=ticket.status,
                        message=ticket.cancel_reason or ticket.get_outcome_display()),
        ])


def import_tickets(stream, *, by, skip_bad=False, dry_run=False, progress=None, every=1000, now=None):
    """Tickets of the previous system: open ones as new (their response clock starts at
    their creation time), finished ones as closed or cancelled history."""
    services.require_perm(by, "tickets.add_ticket")
    job = _TicketImport(by, now or timezone.now())
    return _run(stream, columns=TICKET_COLUMNS, required=TICKET_REQUIRED, validate=job.validate,
                write=job.write, prepare=job.prepare, skip_bad=skip_bad, dry_run=dry_run, progress=progress,
                every=every)
