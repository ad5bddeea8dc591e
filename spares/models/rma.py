"""Vendor repair (RMA): one record per unit sent to a vendor, with the seed-002
milestones (ship within 4 working hours or the same day; vendor receipt by day 3;
follow-ups at days 7 and 15; top priority at day 30 with a reminder every working day
until the unit is back). A milestone escalates once: `escalated_at` is set by a
conditional UPDATE, and reminders are unique per RMA and day."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalog import Vendor


class RmaStatus(models.TextChoices):
    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
    SHIPPED = "shipped", _("At vendor")
    RETURNED = "returned", _("Returned")
    WRITTEN_OFF = "written_off", _("Written off")


OPEN_RMA = (RmaStatus.AWAITING_SHIPMENT, RmaStatus.SHIPPED)


class Rma(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="rmas",
                               verbose_name=_("ticket"))
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="rmas", verbose_name=_("vendor"))
    reason = models.TextField(_("reason"))
    is_doa = models.BooleanField(_("DOA"), default=False, help_text=_("A DOA unit must come back."))
    status = models.CharField(_("status"), max_length=18, choices=RmaStatus.choices,
                              default=RmaStatus.AWAITING_SHIPMENT)
    received_at = models.DateTimeField(_("arrived at the desk"))
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    expected_back = models.DateField(_("expected back"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, default=0)
    vendor_refused_at = models.DateTimeField(_("vendor refused to return at"), null=True, blank=True)
    top_priority = models.BooleanField(_("top priority"), default=False)
    # From when the next daily reminder is owed (the midnight after the day the 30-day
    # milestone falls due, then each next day once sent); empty once the RMA is closed.
    # The reminder sweep reads only rows with this passed (rma_reminder_due_idx).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_note = models.TextField(_("return note"), blank=True)
    written_off_at = models.DateTimeField(_("written off at"), null=True, blank=True)
    written_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("written off by"))
    write_off_reason = models.TextField(_("write-off reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("RMA")
        verbose_name_plural = _("RMAs")
        permissions = [
            ("manage_rma", _("Can send units to vendors and record RMA milestones")),
            ("write_off_rma", _("Can write off a unit the vendor keeps")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(status__in=OPEN_RMA), name="one_open_rma_per_ticket"),
            models.CheckConstraint(condition=~Q(status=RmaStatus.SHIPPED) | Q(shipped_at__isnull=False),
                                   name="shipped_rma_has_date"),
            models.CheckConstraint(condition=~Q(status=RmaStatus.WRITTEN_OFF) | ~Q(write_off_reason=""),
                                   name="write_off_has_reason"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="rma_cost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "shipped_at"], name="rma_status_shipped_idx"),
            models.Index(fields=["vendor", "status"], name="rma_vendor_idx"),
            models.Index(fields=["next_reminder_at"], name="rma_reminder_due_idx",
                         condition=Q(next_reminder_at__isnull=False)),
        ]

    def __str__(self):
        return f"RMA-{self.pk}"

    @property
    def number(self):
        return f"RMA-{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self):
        return self.status in OPEN_RMA

    def get_absolute_url(self):
        return reverse("spares:rma_detail", args=[self.pk])


class MilestoneKind(models.TextChoices):
    SHIPPED = "shipped", _("Shipped to vendor")
    RECEIPT = "receipt", _("Vendor receipt confirmed")
    DAY_7 = "day_7", _("7-day follow-up")
    DAY_15 = "day_15", _("15-day follow-up")
    DAY_30 = "day_30", _("30 days unreturned")


# Days after shipment (SPEC §6); SHIPPED counts from arrival at the desk instead.
MILESTONE_DAYS = {MilestoneKind.RECEIPT: 3, MilestoneKind.DAY_7: 7, MilestoneKind.DAY_15: 15,
                  MilestoneKind.DAY_30: 30}


class RmaMilestone(models.Model):
    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("RMA"))
    kind = models.CharField(_("milestone"), max_length=10, choices=MilestoneKind.choices)
    due_at = models.DateTimeField(_("due at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    note = models.TextField(_("note"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    cancelled = models.BooleanField(_("no longer needed"), default=False)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("RMA milestone")
        verbose_name_plural = _("RMA milestones")
        constraints = [models.UniqueConstraint(fields=["rma", "kind"], name="one_milestone_per_kind")]
        indexes = [
            # The sweep's entry point: open milestones not escalated yet, by due time.
            models.Index(fields=["due_at"], name="milestone_due_idx",
                         condition=Q(completed_at__isnull=True, escalated_at__isnull=True, cancelled=False)),
        ]

    def __str__(self):
        return f"{self.rma_id}:{self.kind}"

    @property
    def is_open(self):
        return self.completed_at is None and not self.cancelled


class RmaReminder(models.Model):
    """The daily reminder for an RMA past 30 days: one row per RMA and working day."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["rma", "day"], name="one_reminder_per_rma_day")]
