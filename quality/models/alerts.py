"""Batch-failure alerts (批量性故障) and the department's editable settings."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QualitySettings(models.Model):
    """One row (pk 1), edited by supervisors on the quality settings page."""

    batch_threshold = models.PositiveSmallIntegerField(_("repairs that make a batch (N)"), default=5)
    batch_window_days = models.PositiveSmallIntegerField(_("within days (D)"), default=7)
    qa_sample_size = models.PositiveSmallIntegerField(_("QA sample per person and month"), default=3)

    class Meta:
        verbose_name = _("quality settings")
        verbose_name_plural = _("quality settings")
        permissions = [("view_quality_dashboard", _("Can see the quality dashboard"))]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="quality_settings_singleton"),
            models.CheckConstraint(condition=Q(batch_threshold__gte=2), name="batch_threshold_at_least_2"),
            models.CheckConstraint(condition=Q(batch_window_days__gte=1), name="batch_window_at_least_1"),
        ]

    def __str__(self):
        return str(_("Quality settings"))

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class BatchWatch(models.Model):
    """One row per (model, fault code) seen at intake: the lock that serialises alert
    checks for that pair, and the end of the last alert's window (its tickets are not
    counted again)."""

    product_model = models.ForeignKey("tickets.ProductModel", on_delete=models.CASCADE, related_name="+")
    fault_code = models.ForeignKey("tickets.FaultCode", on_delete=models.CASCADE, related_name="+")
    counted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_model", "fault_code"], name="one_watch_per_model_fault")]


class QualityAlert(models.Model):
    product_model = models.ForeignKey("tickets.ProductModel", on_delete=models.PROTECT, related_name="quality_alerts",
                                      verbose_name=_("model"))
    fault_code = models.ForeignKey("tickets.FaultCode", on_delete=models.PROTECT, related_name="quality_alerts",
                                   verbose_name=_("fault code"))
    window_start = models.DateTimeField(_("first repair at"))
    window_end = models.DateTimeField(_("last repair at"))
    ticket_count = models.PositiveIntegerField(_("repairs"))
    threshold = models.PositiveSmallIntegerField(_("threshold (N)"))
    window_days = models.PositiveSmallIntegerField(_("window (days)"))
    tickets = models.ManyToManyField("tickets.Ticket", related_name="quality_alerts", verbose_name=_("tickets"))
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("quality alert")
        verbose_name_plural = _("quality alerts")
        permissions = [("acknowledge_qualityalert", _("Can acknowledge quality alerts"))]
        constraints = [
            models.UniqueConstraint(fields=["product_model", "fault_code", "window_start"],
                                    name="one_alert_per_model_fault_window"),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "-raised_at"], name="quality_alert_open_idx")]

    def __str__(self):
        return f"{self.product_model} / {self.fault_code}"
