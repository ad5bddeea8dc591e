"""When the SLA sweep last ran: one row per task, written by the worker, read by the
health endpoint and the supervisors' status page."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    name = models.CharField(_("task"), max_length=60, unique=True)
    started_at = models.DateTimeField(_("last started at"))
    finished_at = models.DateTimeField(_("last finished at"))
    raised = models.PositiveIntegerField(_("escalations raised"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self):
        return f"{self.name} @ {self.finished_at:%Y-%m-%d %H:%M:%S}"
