"""One row per completion of a ticket (issue 7 item 5): reopening never overwrites a
finished job, so reports can count first-time fixes and repeat repairs per engineer in
SQL. `Ticket.outcome` and `Ticket.completed_at` keep describing the latest work."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import choices
from .core import Ticket
from .report_dims import TicketDimensions, copy_dims, forget_expressions
from .sla import ClockKind, ClockOutcome


def _clock_outcome(label):
    return models.CharField(label, max_length=10, choices=ClockOutcome.choices, blank=True)


class Completion(TicketDimensions):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="completions",
                               verbose_name=_("ticket"))
    sequence = models.PositiveSmallIntegerField(
        _("completion no."), help_text=_("1 for the first completion, 2 after the first reopen, …"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=choices.Outcome.choices)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="completions", verbose_name=_("engineer"))
    fault_kind = models.CharField(_("fault kind"), max_length=10, choices=choices.FaultKind.choices, blank=True)
    parts_replaced = models.BooleanField(_("parts replaced"), default=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"))
    # Each clock's result for this piece of work (blank: that clock did not run).
    response_outcome = _clock_outcome(_("response"))
    arrival_outcome = _clock_outcome(_("onsite arrival"))
    completion_outcome = _clock_outcome(_("completion"))
    part_return_outcome = _clock_outcome(_("defective part return"))
    callback_outcome = _clock_outcome(_("callback"))
    # This work redoes an earlier completion whose fault came back inside seed 002's window.
    is_repeat = models.BooleanField(_("repeat repair"), default=False)
    repeat_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats",
                                  verbose_name=_("repeat of"))
    # Set on this completion when the ticket is reopened afterwards.
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    failed = models.BooleanField(
        _("repair failed"), default=False,
        help_text=_("The same fault came back within 72 h (software) or 7 days (hardware, no part replaced)."))
    # Report dimensions (the shared ones: TicketDimensions) copied from the ticket when the
    # row is written (models/report_dims.py).
    d_category = models.CharField(_("category"), max_length=15, choices=choices.Category.choices, blank=True,
                                  editable=False, default="", db_default="")
    d_second_visit = models.BooleanField(
        default=False, db_default=False, editable=False,
        help_text="sent to a vendor or under a special circumstance when completed (not a first-time fix)")

    class Meta:
        ordering = ["ticket", "sequence"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "sequence"], name="one_completion_per_sequence"),
            models.CheckConstraint(condition=Q(is_repeat=False) | Q(repeat_of__isnull=False),
                                   name="repeat_names_earlier_completion"),
        ]
        indexes = [
            models.Index(fields=["engineer", "completed_at"], name="completion_engineer_idx"),
            models.Index(fields=["completed_at"], name="completion_completed_idx"),
            # The reports' month-range reads, unfiltered and by model.
            models.Index(fields=["d_category", "completed_at"], name="completion_report_idx"),
            models.Index(fields=["d_model", "completed_at"], name="completion_report_model_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id}#{self.sequence}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            ticket = self.ticket
            copy_dims(self, ticket)
            self.d_category = ticket.category
            self.d_second_visit = ticket.sent_to_vendor_at is not None or bool(ticket.special_circumstance)
        super().save(*args, **kwargs)
        forget_expressions(self)

    def clock_results(self):
        """[(clock label, outcome)] of the clocks that ran, in lifecycle order (for pages)."""
        fields = (("response_outcome", ClockKind.RESPONSE), ("arrival_outcome", ClockKind.ARRIVAL),
                  ("completion_outcome", ClockKind.COMPLETION), ("part_return_outcome", ClockKind.PART_RETURN),
                  ("callback_outcome", ClockKind.CALLBACK))
        return [(kind.label, getattr(self, field)) for field, kind in fields if getattr(self, field)]

    @property
    def cycle(self):
        """The SlaClock cycle this completion closed."""
        return self.sequence - 1
