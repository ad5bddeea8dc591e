"""Starting, stopping and recomputing SLA clocks. Called by the lifecycle services inside
their transaction; the arithmetic is tickets.sla, the rows are SlaClock."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from . import sla
from .choices import Priority, ServiceType
from .models import BusinessCalendar, ClockKind, ClockOutcome, LEVEL_ORDER, SlaClock, SlaPolicy
from .models.report_dims import copy_dims, forget_expressions


@dataclass(frozen=True)
class Policy:
    """A policy's targets as timedeltas plus the calendar they count in."""

    calendar_record: object
    calendar: sla.Calendar
    targets: dict
    warning_percent: int
    level2_factor: float
    business_calendar_record: object = None
    business_calendar: sla.Calendar = None

    def calendar_for(self, kind):
        """(record, calendar) a clock of `kind` counts in. Callbacks always follow the
        business calendar, even under a 24×7 policy: nobody calls customers at 05:00."""
        if kind == ClockKind.CALLBACK and self.business_calendar is not None:
            return self.business_calendar_record, self.business_calendar
        return self.calendar_record, self.calendar


def center_calendar():
    """The center's business calendar: the one the normal-priority policy counts in, else
    the first one defined; None when there is none (then everything runs 24×7)."""
    normal = SlaPolicy.objects.select_related("calendar").filter(
        priority=Priority.NORMAL, calendar__isnull=False).first()
    if normal is not None:
        return normal.calendar
    return BusinessCalendar.objects.order_by("id").first()


def policy_for(priority):
    record = SlaPolicy.objects.select_related("calendar").filter(priority=priority).first() or SlaPolicy()
    minutes = {
        ClockKind.RESPONSE: record.response_minutes, ClockKind.COMPLETION: record.completion_minutes,
        "special_completion": record.special_completion_minutes, ClockKind.ARRIVAL: record.arrival_minutes,
        ClockKind.PART_RETURN: record.part_return_minutes, ClockKind.CALLBACK: record.callback_minutes,
    }
    calendar = record.calendar.to_calendar() if record.calendar_id else sla.Calendar.always(settings.TIME_ZONE)
    business_record = record.calendar if record.calendar_id else center_calendar()
    business = calendar if record.calendar_id else (business_record.to_calendar() if business_record else None)
    return Policy(
        calendar_record=record.calendar, calendar=calendar,
        business_calendar_record=business_record, business_calendar=business,
        targets={k: timedelta(minutes=v) for k, v in minutes.items()},
        warning_percent=record.warning_percent, level2_factor=float(record.level2_factor),
    )


@dataclass(frozen=True)
class TargetsInForce:
    """What the ticket page shows: the policy's targets for this ticket and where they count."""

    response: timedelta
    completion: timedelta
    special_completion: timedelta
    arrival: timedelta
    part_return: timedelta
    callback: timedelta
    calendar: object
    callback_calendar: object
    special: bool


def targets_in_force(ticket):
    """The page shows targets and calendar names only: the policy row with its calendar (one
    query), without loading the calendars' working hours and days as policy_for does."""
    record = SlaPolicy.objects.select_related("calendar").filter(priority=ticket.priority).first() or SlaPolicy()
    minutes = {
        ClockKind.RESPONSE: record.response_minutes, ClockKind.COMPLETION: record.completion_minutes,
        "special_completion": record.special_completion_minutes, ClockKind.ARRIVAL: record.arrival_minutes,
        ClockKind.PART_RETURN: record.part_return_minutes, ClockKind.CALLBACK: record.callback_minutes,
    }
    targets = {k: timedelta(minutes=v) for k, v in minutes.items()}
    calendar = record.calendar if record.calendar_id else None
    # as Policy.calendar_for: callbacks follow the business calendar, even under a 24×7 policy
    callback_calendar = calendar if record.calendar_id else center_calendar()
    return TargetsInForce(
        response=targets[ClockKind.RESPONSE], completion=targets[ClockKind.COMPLETION],
        special_completion=targets["special_completion"],
        arrival=sla.arrival_target(area=ticket.customer.area, travel_minutes=ticket.travel_minutes,
                                   base_minutes=int(targets[ClockKind.ARRIVAL].total_seconds() // 60)),
        part_return=targets[ClockKind.PART_RETURN], callback=targets[ClockKind.CALLBACK], calendar=calendar,
        callback_calendar=callback_calendar, special=bool(ticket.special_circumstance),
    )


def target_for(ticket, kind, policy):
    if kind == ClockKind.COMPLETION and ticket.special_circumstance:
        return policy.targets["special_completion"]
    if kind == ClockKind.ARRIVAL:
        return sla.arrival_target(area=ticket.customer.area, travel_minutes=ticket.travel_minutes,
                                  base_minutes=int(policy.targets[ClockKind.ARRIVAL].total_seconds() // 60))
    return policy.targets[kind]


def _schedule(clock, policy, *, target, now):
    """(Re)compute warning, breach and level-2 times from the clock's start, all in the
    working time of the clock's calendar."""
    record, calendar = policy.calendar_for(clock.kind)
    if clock.kind == ClockKind.PART_RETURN:
        due_at = sla.part_return_due(clock.started_at, calendar, hours=target.total_seconds() / 3600)
        times = sla.scaled_deadlines(clock.started_at, due_at, calendar,
                                     warning_percent=policy.warning_percent, level2_factor=policy.level2_factor)
    else:
        times = sla.deadlines(clock.started_at, target, calendar,
                              warning_percent=policy.warning_percent, level2_factor=policy.level2_factor)
    clock.target = target
    clock.calendar = record
    clock.warn_at, clock.due_at, clock.level2_at = times.warn_at, times.due_at, times.level2_at
    clock.next_due_at = next_threshold(clock)


def next_threshold(clock):
    """The earliest threshold not raised yet, or None when all are raised or it stopped."""
    if clock.stopped_at is not None or clock.raised >= len(LEVEL_ORDER):
        return None
    return clock.thresholds()[clock.raised][1]


def start_clock(ticket, kind, *, now, policy=None, subject=""):
    policy = policy or policy_for(ticket.priority)
    clock = SlaClock(ticket=ticket, kind=kind, cycle=ticket.reopen_count, started_at=now, subject=subject[:200])
    _schedule(clock, policy, target=target_for(ticket, kind, policy), now=now)
    clock.save()
    _mirror_on_ticket(ticket, clock)
    return clock


def running_clock(ticket, kind):
    return SlaClock.objects.select_for_update().filter(
        ticket=ticket, kind=kind, cycle=ticket.reopen_count, stopped_at__isnull=True).first()


def stop_clock(ticket, kind, *, now, cancelled=False):
    """Stop the running clock of `kind` and record met/breached and by how much."""
    clock = running_clock(ticket, kind)
    if clock is None:
        return None
    calendar = clock.calendar.to_calendar() if clock.calendar_id else sla.Calendar.always(settings.TIME_ZONE)
    clock.stopped_at = now
    clock.next_due_at = None
    clock.elapsed = sla.working_time_between(clock.started_at, now, calendar)
    if cancelled:
        clock.outcome = ClockOutcome.CANCELLED
    elif now > clock.due_at:
        clock.outcome = ClockOutcome.BREACHED
        clock.overrun = sla.working_time_between(clock.due_at, now, calendar)
    else:
        clock.outcome = ClockOutcome.MET
        clock.overrun = timedelta(0)
    copy_dims(clock, ticket)
    clock.d_engineer_id = ticket.assignee_id
    clock.save()
    forget_expressions(clock)
    if clock.outcome == ClockOutcome.BREACHED:
        ticket.sla_breached = True
    from .services.completions import record_clock_outcome

    record_clock_outcome(clock)
    return clock


def stop_all(ticket, *, now):
    for clock in SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).values_list("kind", flat=True):
        stop_clock(ticket, clock, now=now, cancelled=True)


def recompute(ticket, *, now, kinds=None):
    """The facts changed (priority, special circumstance): new targets from the same start."""
    policy = policy_for(ticket.priority)
    clocks = SlaClock.objects.select_for_update().filter(
        ticket=ticket, cycle=ticket.reopen_count, stopped_at__isnull=True)
    for clock in clocks:
        if kinds and clock.kind not in kinds:
            continue
        _schedule(clock, policy, target=target_for(ticket, clock.kind, policy), now=now)
        clock.save()
        _mirror_on_ticket(ticket, clock)


_MIRRORED = {
    ClockKind.RESPONSE: "response_due_at",
    ClockKind.COMPLETION: "completion_due_at",
    ClockKind.ARRIVAL: "arrival_due_at",
}


def _mirror_on_ticket(ticket, clock):
    """The list and board sort and colour by these; the caller saves the ticket."""
    field = _MIRRORED.get(clock.kind)
    if field:
        setattr(ticket, field, clock.due_at)


def is_onsite(ticket):
    return ticket.service_type == ServiceType.ONSITE


def awaits_unit(ticket):
    """A carry-in or mail-in job whose unit has not reached the depot yet: its completion
    clock waits for the unit (a unit still with the courier is not the engineer's delay)."""
    return ticket.service_type in (ServiceType.CARRY_IN, ServiceType.MAIL_IN) and ticket.unit_received_at is None


def has_clock(ticket, kind):
    return SlaClock.objects.filter(ticket=ticket, kind=kind, cycle=ticket.reopen_count).exists()
