"""Complaints (投诉) with their reply clock, escalations and the major-complaint task force."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.choices import Channel

from ..choices import ComplaintCategory, ComplaintStatus, ReplyLevel, Responsibility, Severity, TaskForceRole


class Complaint(models.Model):
    customer = models.ForeignKey("tickets.Customer", on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("customer"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="complaints", verbose_name=_("source ticket"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    category = models.CharField(_("category"), max_length=16, choices=ComplaintCategory.choices)
    description = models.TextField(_("what the customer says"))
    status = models.CharField(_("status"), max_length=8, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="owned_complaints", verbose_name=_("owner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("logged by"))
    created_at = models.DateTimeField(_("logged at"))
    # Reply clock: computed once at intake in the business calendar (tickets.sla).
    reply_target = models.DurationField(_("reply target"))
    reply_warn_at = models.DateTimeField(_("reply warning at"))
    reply_due_at = models.DateTimeField(_("reply due"))
    reply_level2_at = models.DateTimeField(_("reply level 2 at"))
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    raised = models.PositiveSmallIntegerField(default=0, editable=False)
    replied_at = models.DateTimeField(_("first reply at"), null=True, blank=True)
    reply_note = models.TextField(_("first reply"), blank=True)
    reply_breached = models.BooleanField(_("reply late"), default=False)
    reply_overrun = models.DurationField(_("reply late by"), null=True, blank=True)
    # Investigation, remedy, acceptance, closure.
    cause = models.TextField(_("cause"), blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=10, choices=Responsibility.choices, blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    remedy = models.TextField(_("remedy"), blank=True)
    remedy_at = models.DateTimeField(_("remedy offered at"), null=True, blank=True)
    customer_accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptance recorded at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    prevention = models.TextField(_("prevention"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [("view_all_complaints", _("Can see every complaint"))]
        constraints = [
            models.CheckConstraint(condition=Q(status="closed", closed_at__isnull=False) | ~Q(status="closed"),
                                   name="closed_complaint_has_time"),
            models.CheckConstraint(condition=Q(reply_due_at__gt=models.F("created_at")), name="reply_due_after_intake"),
        ]
        indexes = [
            models.Index(fields=["next_due_at"], name="complaint_next_due_idx", condition=Q(next_due_at__isnull=False)),
            models.Index(fields=["status", "reply_due_at"], name="complaint_status_due_idx"),
            models.Index(fields=["severity", "status"], name="complaint_severity_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"C-{self.pk:06d}" if self.pk else "C-new"

    def get_absolute_url(self):
        return reverse("quality:complaint_detail", args=[self.pk])

    def thresholds(self):
        return [(ReplyLevel.WARNING, self.reply_warn_at), (ReplyLevel.LEVEL_1, self.reply_due_at),
                (ReplyLevel.LEVEL_2, self.reply_level2_at)]

    def reply_state(self, now):
        moment = self.replied_at or now
        if moment > self.reply_due_at:
            return "breached"
        if not self.replied_at and now >= self.reply_warn_at:
            return "warned"
        return "ok"


class ComplaintEscalation(models.Model):
    """A reply-deadline warning/escalation of one complaint; unique per level, so a
    second or concurrent sweep can never raise it twice."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(_("level"), max_length=10, choices=ReplyLevel.choices)
    due_at = models.DateTimeField(_("fell due at"))
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("complaint escalation")
        verbose_name_plural = _("complaint escalations")
        constraints = [models.UniqueConstraint(fields=["complaint", "level"], name="one_complaint_escalation_per_level")]


class TaskForceMember(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="task_force")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_forces",
                             verbose_name=_("member"))
    role = models.CharField(_("role"), max_length=12, choices=TaskForceRole.choices)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        constraints = [models.UniqueConstraint(fields=["complaint", "user"], name="one_task_force_seat_per_user")]
