"""SLA policy, business calendar, stored clocks and escalations (SPEC §4).

A clock's warning, breach and level-2 times are computed once when it starts (and again
when its facts change) and stored; `next_due_at` is the earliest of them not yet raised,
so the sweep reads only due rows through a partial index. An escalation is unique per
(clock, level): whatever runs twice, it exists once.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import choices, sla
from .core import Ticket
from .report_dims import TicketDimensions


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=60, default=settings.TIME_ZONE)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name

    def to_calendar(self):
        """The pure-arithmetic calendar (tickets.sla.Calendar) for this record."""
        weekly = {}
        for hours in self.hours.order_by("weekday", "start"):
            weekly.setdefault(hours.weekday, []).append((hours.start, hours.end))
        holidays, workdays = set(), {}
        for day in self.days.all():
            if day.kind == CalendarDay.Kind.HOLIDAY:
                holidays.add(day.date)
            else:
                workdays[day.date] = ((day.start, day.end),)
        return sla.Calendar(
            tz=ZoneInfo(self.time_zone), weekly_hours={d: tuple(h) for d, h in weekly.items()},
            holidays=frozenset(holidays), workdays=workdays,
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="hours_start_before_end")]


class CalendarDay(models.Model):
    """A holiday, or a make-up working day (调休) with its hours."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="unique_calendar_day"),
            models.CheckConstraint(
                condition=Q(kind="holiday") | Q(start__isnull=False, end__isnull=False, start__lt=models.F("end")),
                name="workday_has_hours",
            ),
        ]


def _minutes(default, label):
    return models.PositiveIntegerField(label, default=default)


class SlaPolicy(models.Model):
    """Targets per priority (SPEC §4 defaults from seed 002), in minutes of working time
    when a calendar is set, of wall-clock time when it is empty (24×7)."""

    priority = models.CharField(_("priority"), max_length=10, choices=choices.Priority.choices, unique=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("business calendar"),
        help_text=_("Empty: clocks run 24×7."),
    )
    response_minutes = _minutes(240, _("response (min)"))
    completion_minutes = _minutes(360, _("completion (min)"))
    special_completion_minutes = _minutes(480, _("completion with a special circumstance (min)"))
    arrival_minutes = _minutes(20, _("onsite arrival, urban (min)"))
    part_return_minutes = _minutes(360, _("defective part return (min)"))
    callback_minutes = _minutes(540, _("callback (min)"))
    warning_percent = models.PositiveSmallIntegerField(_("warning at (percent of target)"), default=75)
    level2_factor = models.DecimalField(_("level 2 at (× target)"), max_digits=4, decimal_places=2, default=2)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(condition=Q(warning_percent__gt=0, warning_percent__lt=100),
                                   name="warning_between_0_and_100"),
            models.CheckConstraint(condition=Q(level2_factor__gt=1), name="level2_after_breach"),
        ]

    def __str__(self):
        return str(self.get_priority_display())


class ClockKind(models.TextChoices):
    RESPONSE = "response", _("Response")
    COMPLETION = "completion", _("Completion")
    ARRIVAL = "arrival", _("Onsite arrival")
    PART_RETURN = "part_return", _("Defective part return")
    CALLBACK = "callback", _("Callback")


class ClockOutcome(models.TextChoices):
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


class EscalationLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    LEVEL_1 = "level_1", _("Level 1")
    LEVEL_2 = "level_2", _("Level 2")


LEVEL_ORDER = (EscalationLevel.WARNING, EscalationLevel.LEVEL_1, EscalationLevel.LEVEL_2)


class SlaClock(TicketDimensions):
    # db_index=False: one_clock_per_kind_and_cycle (ticket, kind, cycle) serves lookups by ticket
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks", db_index=False)
    kind = models.CharField(_("clock"), max_length=16, choices=ClockKind.choices)
    cycle = models.PositiveSmallIntegerField(default=0, help_text=_("Increases when the ticket is reopened."))
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    target = models.DurationField(_("target"))
    warn_at = models.DateTimeField(_("warning at"))
    due_at = models.DateTimeField(_("due at"))
    level2_at = models.DateTimeField(_("level 2 at"))
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    raised = models.PositiveSmallIntegerField(default=0, editable=False, help_text="levels raised so far (0-3)")
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ClockOutcome.choices, blank=True)
    elapsed = models.DurationField(_("time taken"), null=True, blank=True)
    overrun = models.DurationField(_("breached by"), null=True, blank=True)
    # What the clock waits for, when its kind alone does not say: the defective part(s)
    # owed back on a part-return clock ("1 × P-100 Main board").
    subject = models.CharField(_("for"), max_length=200, blank=True, default="", db_default="")
    # Report dimensions (the shared ones: TicketDimensions) copied from the ticket when the
    # clock stops (models/report_dims.py).
    d_engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   editable=False, related_name="+", db_index=False, db_constraint=False,
                                   help_text="the ticket's engineer when the clock stopped")

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "cycle"], name="one_clock_per_kind_and_cycle"),
        ]
        indexes = [
            # The sweep's only entry point: rows with something still to raise.
            models.Index(fields=["next_due_at"], name="clock_next_due_idx", condition=Q(next_due_at__isnull=False)),
            models.Index(fields=["kind", "stopped_at"], name="clock_kind_stopped_idx"),
            # The reports' month-range reads: an index-only scan gives every column they
            # count, filter and group by, without visiting the 2.4M-row heap (bench at 1M tickets).
            models.Index(fields=["kind", "stopped_at"], name="clock_report_idx",
                         include=["id", "outcome", "elapsed", "d_engineer", "d_model", "d_product_line",
                                  "d_service_type", "d_area", "d_service_point"],
                         condition=Q(stopped_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.kind}"

    def save(self, *args, **kwargs):
        """A clock written already stopped (tests, imports) gets its report dimensions
        here; `clocks.stop_clock` sets them when it stops a running one."""
        copied = self._state.adding and self.stopped_at is not None and not self.d_service_type
        if copied:
            from .report_dims import copy_dims

            copy_dims(self, self.ticket)
            self.d_engineer_id = self.ticket.assignee_id
        super().save(*args, **kwargs)
        if copied:
            from .report_dims import forget_expressions

            forget_expressions(self)

    @property
    def is_running(self):
        return self.stopped_at is None

    def thresholds(self):
        return list(zip(LEVEL_ORDER, (self.warn_at, self.due_at, self.level2_at)))

    def state(self, now):
        """ok / warned / breached as of `now` (for pages and the API)."""
        moment = self.stopped_at or now
        if self.outcome == ClockOutcome.BREACHED or moment > self.due_at:
            return "breached"
        if self.is_running and now >= self.warn_at:
            return "warned"
        return "ok"

    def remaining(self, now):
        return self.due_at - now if self.is_running else timedelta(0)


class Escalation(models.Model):
    """A level of an SLA clock that fell due, or (clock empty) a vendor repair's missed
    milestone or daily reminder (spares.sweep): both on the supervisors' page."""

    # db_index=False: one_escalation_per_clock_level (clock, level) serves lookups by clock
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="escalations", null=True, blank=True,
                              db_index=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(_("level"), max_length=10, choices=EscalationLevel.choices)
    due_at = models.DateTimeField(_("fell due at"))
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # An RMA escalation: the RMA, its milestone kind (spares.MilestoneKind) or
    # "reminder" with the working day it was sent for.
    rma = models.ForeignKey("spares.Rma", on_delete=models.CASCADE, null=True, blank=True, related_name="escalations",
                            db_index=False, verbose_name=_("RMA"))
    rma_milestone = models.CharField(_("RMA milestone"), max_length=10, blank=True, default="", db_default="")
    reminder_day = models.DateField(_("reminder day"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        permissions = [("acknowledge_escalation", _("Can acknowledge escalations"))]
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="one_escalation_per_clock_level"),
            # RMA escalations: once per missed milestone, once per reminder day.
            models.UniqueConstraint(fields=["rma", "rma_milestone"], name="one_escalation_per_rma_milestone",
                                    condition=Q(rma__isnull=False, reminder_day__isnull=True)),
            models.UniqueConstraint(fields=["rma", "reminder_day"], name="one_escalation_per_rma_day",
                                    condition=Q(reminder_day__isnull=False)),
            models.CheckConstraint(condition=Q(clock__isnull=False, rma__isnull=True)
                                   | Q(clock__isnull=True, rma__isnull=False), name="escalation_clock_or_rma"),
        ]
        indexes = [
            # The escalations page walks these in its order (newest first), open ones or all;
            # they replace escalation_open_idx (acknowledged_at, -raised_at), which no
            # query used once the page orders by (raised_at, id).
            models.Index(fields=["-raised_at", "-id"], name="escalation_open_raised_idx",
                         condition=Q(acknowledged_at__isnull=True)),
            models.Index(fields=["-raised_at", "-id"], name="escalation_raised_idx"),
            # The page filtered to vendor repairs (clock=rma): a few rows among a million.
            models.Index(fields=["-raised_at", "-id"], name="escalation_rma_raised_idx",
                         condition=Q(rma__isnull=False)),
        ]

    def __str__(self):
        what = self.clock.kind if self.clock_id else f"rma:{self.rma_milestone}"
        return f"{self.ticket_id} {what} {self.level}"

    @property
    def subject(self):
        """What fell due, for sorting and display: the clock's kind, or the RMA milestone."""
        return self.clock.kind if self.clock_id else self.rma_milestone

    def get_rma_milestone_display(self):
        """The RMA milestone's label (spares.MilestoneKind), or "Daily reminder"."""
        if self.rma_milestone == "reminder":
            return _("Daily reminder")
        from spares.models import MilestoneKind

        try:
            return MilestoneKind(self.rma_milestone).label
        except ValueError:
            return self.rma_milestone
