"""Records behind the manager reports (SPEC §9): monthly shipments per model (the DOA
denominator, imported from CSV) and the daily rollup that keeps the year trend from
rescanning a year of tickets on every view."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Shipment(models.Model):
    """Units of one product model shipped in one calendar month (`month` is its first day)."""

    model = models.ForeignKey("tickets.ProductModel", on_delete=models.PROTECT, related_name="shipments",
                              verbose_name=_("model"))
    month = models.DateField(_("month"))
    units = models.PositiveIntegerField(_("units shipped"))
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("imported by"))

    class Meta:
        ordering = ["-month", "model"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        permissions = [("view_reports", _("Can see the manager reports"))]
        constraints = [
            models.UniqueConstraint(fields=["model", "month"], name="one_shipment_figure_per_model_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="shipment_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.model_id} {self.month:%Y-%m}: {self.units}"


class ReportDay(models.Model):
    """Daily figures per (model, service type, engineer, customer area, service point): what the trend charts sum.
    Rebuilt for whole days at a time by quality.reports.rollup (delete + insert), so a
    refresh can run any number of times and late events are picked up by re-running it."""

    day = models.DateField(_("day"))
    model = models.ForeignKey("tickets.ProductModel", on_delete=models.CASCADE, null=True, related_name="+")
    service_type = models.CharField(max_length=10)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    area = models.CharField(max_length=10, blank=True, default="")
    service_point = models.ForeignKey("spares.Warehouse", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+", db_index=False, db_constraint=False)
    received = models.PositiveIntegerField(default=0)
    doa_received = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    first_time_fixed = models.PositiveIntegerField(default=0)
    sla_met = models.PositiveIntegerField(default=0)
    sla_breached = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report day")
        verbose_name_plural = _("report days")
        indexes = [models.Index(fields=["day"], name="reportday_day_idx")]


class RollupState(models.Model):
    """One row: when the rollup last ran (tickets changed since then mark their days dirty).
    Refreshes lock it, so two refreshes never interleave their delete + insert."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
