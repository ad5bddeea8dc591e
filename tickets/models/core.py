"""Records of the service center (SPEC §2): customers, product models and units, fault
codes, tickets and their append-only timeline."""
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.contrib.postgres.indexes import OpClass
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..indexes import PatternIndex, TrigramIndex
from ..phones import normalize_phone
from ..uploads import validate_upload


class ProductLine(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")

    def __str__(self):
        return self.name


class ProductModel(models.Model):
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, related_name="models", verbose_name=_("product line")
    )
    warranty_months = models.PositiveSmallIntegerField(_("warranty months"), default=12)
    doa_days = models.PositiveSmallIntegerField(_("DOA window (days)"), default=15)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product model")
        verbose_name_plural = _("product models")

    def __str__(self):
        return f"{self.code} {self.name}"


class FaultCode(models.Model):
    """Catalog of faults; each is software or hardware (drives the repeat-repair window)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("fault kind"), max_length=10, choices=choices.FaultKind.choices)
    product_line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, null=True, blank=True, related_name="fault_codes",
        verbose_name=_("product line"), help_text=_("Empty: applies to every product line."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")

    def __str__(self):
        return f"{self.code} — {self.description}"


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500, validators=[MaxLengthValidator(500)])
    area = models.CharField(_("area"), max_length=10, choices=choices.Area.choices, default=choices.Area.URBAN)
    customer_type = models.CharField(
        _("customer type"), max_length=10, choices=choices.CustomerType.choices,
        default=choices.CustomerType.CONSUMER,
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name"], name="customer_name_idx"),
            # search: name contains (3+ characters) or starts with (2), any case (tickets.search)
            TrigramIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="customer_name_trgm_idx",
                         fallback=["name"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tickets:customer_detail", args=[self.pk])


class CustomerPhone(models.Model):
    """A customer may have several phones; `number` is normalised digits for search."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=32, db_index=True)
    raw = models.CharField(_("phone as entered"), max_length=40)
    label = models.CharField(_("label"), max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="unique_phone_per_customer"),
        ]
        indexes = [  # intake search: the phone as typed so far (LIKE 'digits%')
            PatternIndex(fields=["number"], opclasses=["varchar_pattern_ops"], name="phone_number_pattern_idx",
                         fallback=["number"]),
        ]

    def save(self, *args, **kwargs):
        self.number = normalize_phone(self.raw or self.number)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.raw or self.number


def validate_not_in_future(value):
    """A purchase date cannot be later than today (the center's date)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if value and value > timezone.localdate():
        raise ValidationError(_("The purchase date cannot be in the future."), code="future")


class ProductUnit(models.Model):
    model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, related_name="units", verbose_name=_("model"))
    serial_number = models.CharField(_("serial number"), max_length=80)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="units", verbose_name=_("customer")
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True, validators=[validate_not_in_future])
    invoice_number = models.CharField(_("invoice number"), max_length=80, blank=True)
    proof_image = models.FileField(
        _("proof of purchase"), upload_to="proofs/%Y/%m/", blank=True, validators=[validate_upload]
    )
    proof_verified = models.BooleanField(_("proof verified"), default=False)
    sold_by = models.CharField(_("sold by (channel)"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["serial_number"]
        verbose_name = _("product unit")
        verbose_name_plural = _("product units")
        constraints = [
            models.UniqueConstraint(fields=["model", "serial_number"], name="unique_serial_per_model"),
        ]
        indexes = [
            models.Index(fields=["serial_number"], name="unit_serial_idx"),
            # serial numbers are matched case-insensitively (UPPER(...) = UPPER(...))
            models.Index(Upper("serial_number"), "model", name="unit_serial_upper_idx"),
            # search: serial prefix, any case (UPPER(serial) LIKE 'AB%')
            PatternIndex(OpClass(Upper("serial_number"), name="text_pattern_ops"), name="unit_serial_pattern_idx",
                         fallback=["serial_number"]),
        ]

    def __str__(self):
        return f"{self.model.code} #{self.serial_number}"


class TicketSequence(models.Model):
    """Last ticket number issued per year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    unit = models.ForeignKey(
        ProductUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("unit"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=choices.Channel.choices)
    category = models.CharField(_("category"), max_length=15, choices=choices.Category.choices)
    service_type = models.CharField(_("service type"), max_length=10, choices=choices.ServiceType.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=choices.Priority.choices, default=choices.Priority.NORMAL
    )
    fault_description = models.TextField(_("fault description"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    fault_code = models.ForeignKey(
        FaultCode, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("fault code"),
    )
    fault_kind = models.CharField(_("fault kind"), max_length=10, choices=choices.FaultKind.choices, blank=True)
    warranty_status = models.CharField(
        _("warranty status"), max_length=16, choices=choices.WarrantyStatus.choices,
        default=choices.WarrantyStatus.UNVERIFIED,
    )
    is_doa = models.BooleanField(_("DOA"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.Status.choices, default=choices.Status.NEW
    )
    hold_reason = models.CharField(_("hold reason"), max_length=16, choices=choices.HoldReason.choices, blank=True)
    held_from = models.CharField(max_length=12, choices=choices.Status.choices, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="assigned_tickets", verbose_name=_("assignee"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=choices.Outcome.choices, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=24, choices=choices.CloseReason.choices, blank=True)
    cancel_reason = models.TextField(_("cancel reason"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    repeat_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats",
        verbose_name=_("repeat of"),
    )
    is_repeat = models.BooleanField(_("repeat repair"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("created by"),
    )
    # Milestones (SPEC §2: "timestamps of every milestone").
    created_at = models.DateTimeField(_("created at"))  # indexed with id: ticket_created_id_idx
    first_assigned_at = models.DateTimeField(_("first assigned at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    unit_received_at = models.DateTimeField(
        _("unit received at the depot"), null=True, blank=True,
        help_text=_("Carry-in and mail-in: the completion clock starts here, not at assignment."))
    sent_to_vendor_at = models.DateTimeField(_("sent to vendor at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set by the spare-parts desk (quotes, part requests); they block cancellation (SPEC §3).
    quote_accepted_at = models.DateTimeField(_("quote accepted at"), null=True, blank=True)
    parts_requested_at = models.DateTimeField(_("parts requested at"), null=True, blank=True)
    # SLA facts and stored deadlines (SPEC §4); the clocks themselves are SlaClock rows.
    special_circumstance = models.CharField(
        _("special circumstance"), max_length=16, choices=choices.HoldReason.choices, blank=True,
        help_text=_("Holiday, awaiting parts or a customer reason: the completion target becomes 8 h."),
    )
    travel_minutes = models.PositiveSmallIntegerField(
        _("travel estimate (min)"), default=0, help_text=_("Added to the arrival target outside urban areas."))
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    completion_due_at = models.DateTimeField(_("completion due"), null=True, blank=True)
    arrival_due_at = models.DateTimeField(_("arrival due"), null=True, blank=True)
    sla_warned = models.BooleanField(_("SLA warned"), default=False)
    sla_breached = models.BooleanField(_("SLA breached"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    legacy_ref = models.CharField(
        _("legacy reference"), max_length=40, blank=True, editable=False,
        help_text=_("The ticket's number in the system it was imported from."))
    # The unit's model when the ticket was created (models/report_dims.py): the reports count
    # a month's tickets per model without joining the units table.
    d_model = models.ForeignKey("tickets.ProductModel", on_delete=models.DO_NOTHING, null=True, blank=True,
                                editable=False, related_name="+", db_index=False, db_constraint=False)
    # The branch that handles the ticket (a spares warehouse of kind service point).
    service_point = models.ForeignKey(
        "spares.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        limit_choices_to={"kind": "service_point"}, verbose_name=_("service point"),
        help_text=_("The branch that handles the ticket."))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("view_all_tickets", _("Can see every ticket, not only own jobs")),
            ("assign_ticket", _("Can assign and reassign tickets")),
            ("work_ticket", _("Can work own jobs (arrive, start, hold, complete)")),
            ("record_on_behalf", _("Can record job times on an engineer's behalf")),
            ("resolve_at_intake", _("Can close an inquiry answered at intake")),
            ("close_ticket", _("Can close completed tickets")),
            ("cancel_ticket", _("Can cancel open tickets")),
            ("reopen_ticket", _("Can reopen a ticket for the same fault")),
            ("add_note", _("Can add notes to tickets")),
            ("change_ticket_priority", _("Can change a ticket's priority (recomputes its SLA clocks)")),
            ("handle_vendor_repair", _("Can send units to and receive them from vendor repair")),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="ticket_status_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            models.Index(fields=["customer", "-id"], name="ticket_customer_idx"),
            models.Index(fields=["status", "completed_at"], name="ticket_status_completed_idx"),
            models.Index(fields=["status", "response_due_at"], name="ticket_status_response_due_idx"),
            models.Index(fields=["-id"], name="ticket_breached_idx", condition=Q(sla_breached=True)),
            # the list filtered to open statuses (all five), newest first
            models.Index(fields=["-id"], name="ticket_open_idx", condition=Q(status__in=choices.OPEN_STATUSES)),
            # the list filtered by assignee, newest first
            models.Index(fields=["assignee", "-id"], name="ticket_assignee_id_idx"),
            # date ranges: the range's newest id, read from the index alone (TicketFilterSet)
            models.Index(fields=["created_at", "id"], name="ticket_created_id_idx"),
            # search: number and legacy reference, exact or prefix
            PatternIndex(fields=["number"], opclasses=["varchar_pattern_ops"], name="ticket_number_pattern_idx",
                         fallback=["number"]),
            PatternIndex(OpClass(Upper("legacy_ref"), name="text_pattern_ops"), name="ticket_legacy_pattern_idx",
                         fallback=["legacy_ref"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["legacy_ref"], condition=~Q(legacy_ref=""), name="ticket_legacy_ref_unique"),
            models.CheckConstraint(
                condition=~Q(status=choices.Status.ON_HOLD) | ~Q(hold_reason=""), name="hold_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status=choices.Status.COMPLETED) | ~Q(outcome=""), name="completed_has_outcome"
            ),
            models.CheckConstraint(
                condition=Q(status=choices.Status.NEW) | Q(status=choices.Status.CANCELLED)
                | Q(status=choices.Status.CLOSED) | Q(assignee__isnull=False),
                name="worked_ticket_has_assignee",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        from .report_dims import copy_model, forget_expressions

        copied = self._state.adding and self.unit_id is not None and self.d_model_id is None
        if copied:
            copy_model(self)
        super().save(*args, **kwargs)
        if copied:
            forget_expressions(self)

    def get_absolute_url(self):
        return reverse("tickets:ticket_detail", args=[self.number])

    @property
    def is_open(self):
        return self.status in choices.OPEN_STATUSES

    @property
    def current_due_at(self):
        """The deadline that matters now: response while new, completion while worked."""
        if self.status == choices.Status.NEW:
            return self.response_due_at
        if self.status in (choices.Status.DISPATCHED, choices.Status.IN_PROGRESS, choices.Status.ON_HOLD):
            return self.completion_due_at
        return None


class ServiceReport(models.Model):
    """What the engineer did, recorded at completion (SPEC §3)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="service_report")
    work_done = models.TextField(_("work done"), max_length=5000, validators=[MaxLengthValidator(5000)])
    parts_used = models.TextField(_("parts used"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    parts_replaced = models.BooleanField(_("parts replaced"), default=False)
    customer_confirmation = models.CharField(_("customer confirmation (name)"), max_length=200, blank=True)
    customer_signature = models.FileField(
        _("customer signature"), upload_to="signatures/%Y/%m/", blank=True, validators=[validate_upload])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")


class TicketEventQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError("Ticket events are append-only.")

    def update(self, **kwargs):
        raise TypeError("Ticket events are append-only.")


class TicketEvent(models.Model):
    """Append-only timeline: rows are inserted, never changed or deleted."""

    # db_index=False: event_ticket_at_idx (ticket, at) serves every lookup by ticket; one
    # index less to maintain on the largest table the sweep inserts into.
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=choices.EventKind.choices)
    from_status = models.CharField(max_length=12, choices=choices.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=choices.Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("on behalf of"),
    )

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_at_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Ticket events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ticket events are append-only.")
