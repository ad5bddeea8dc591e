"""Monthly QA sampling: closed tickets drawn at random per agent and per engineer."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import QaRole

QA_SCORES = ("call_handling", "diagnosis", "report_completeness", "customer_care")


class QaSample(models.Model):
    month = models.DateField(_("month"), help_text=_("First day of the sampled month."))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="qa_samples",
                               verbose_name=_("ticket"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_samples",
                               verbose_name=_("person"))
    person_role = models.CharField(_("as"), max_length=8, choices=QaRole.choices)
    drawn_at = models.DateTimeField(_("drawn at"))
    call_handling = models.PositiveSmallIntegerField(_("call handling"), null=True, blank=True)
    diagnosis = models.PositiveSmallIntegerField(_("diagnosis"), null=True, blank=True)
    report_completeness = models.PositiveSmallIntegerField(_("report completeness"), null=True, blank=True)
    customer_care = models.PositiveSmallIntegerField(_("customer care"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("scored by"))

    class Meta:
        ordering = ["-month", "person_id", "id"]
        verbose_name = _("QA sample")
        verbose_name_plural = _("QA samples")
        constraints = [
            models.UniqueConstraint(fields=["month", "ticket", "person_role"], name="one_qa_sample_per_ticket_role"),
            *[models.CheckConstraint(condition=Q(**{f"{s}__gte": 1, f"{s}__lte": 5}) | Q(**{f"{s}__isnull": True}),
                                     name=f"qa_{s}_1_to_5") for s in QA_SCORES],
            models.CheckConstraint(
                condition=Q(scored_at__isnull=True) | Q(call_handling__isnull=False, diagnosis__isnull=False,
                                                        report_completeness__isnull=False,
                                                        customer_care__isnull=False),
                name="scored_sample_has_all_scores"),
        ]
        indexes = [models.Index(fields=["month", "person"], name="qa_month_person_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.ticket_id} {self.person_id}"

    @property
    def average(self):
        if self.scored_at is None:
            return None
        return round(sum(getattr(self, s) for s in QA_SCORES) / len(QA_SCORES), 2)
