"""Due times of the RMA milestones (seed 002). Pure: calendar and times passed in.

- shipped: 4 working hours after the unit reached the desk, or the end of that working
  day if later ("4小時或當天");
- receipt / day 7 / day 15 / day 30: that many calendar days after shipment, due by the
  end of the working day on which that day falls (the next working day when it falls on
  a weekend or holiday).
"""
from datetime import datetime, time, timedelta

from tickets import sla

from .models.rma import MILESTONE_DAYS, MilestoneKind

SHIP_WITHIN = timedelta(hours=4)


def ship_due(received_at, calendar):
    return max(sla.add_working_time(received_at, SHIP_WITHIN, calendar),
               sla.end_of_working_day(received_at, calendar))


def follow_up_due(shipped_at, days, calendar):
    return sla.end_of_working_day(shipped_at + timedelta(days=days), calendar)


def follow_up_dues(shipped_at, calendar):
    return {kind: follow_up_due(shipped_at, days, calendar) for kind, days in MILESTONE_DAYS.items()}


def next_midnight(instant, calendar):
    """The first local midnight after `instant`: from then on the next day's reminder is owed."""
    day = instant.astimezone(calendar.tz).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=calendar.tz)


def first_reminder_at(shipped_at, calendar):
    """Daily reminders start the day after the one the 30-day milestone falls due on."""
    return next_midnight(follow_up_due(shipped_at, MILESTONE_DAYS[MilestoneKind.DAY_30], calendar), calendar)


def is_working_day(day, calendar):
    return calendar.always_open or bool(calendar.intervals_on(day))


__all__ = ["first_reminder_at", "follow_up_dues", "is_working_day", "next_midnight", "ship_due"]
