"""Due times of the RMA milestones (seed 002). Pure: calendar and times passed in.

- shipped: 4 working hours after the unit reached the desk, or the end of that working
  day if later ("4小時或當天");
- receipt / day 7 / day 15 / day 30: that many calendar days after shipment, due by the
  end of the working day on which that day falls (the next working day when it falls on
  a weekend or holiday).
"""
from datetime import timedelta

from tickets import sla

from .models.rma import MILESTONE_DAYS

SHIP_WITHIN = timedelta(hours=4)


def ship_due(received_at, calendar):
    return max(sla.add_working_time(received_at, SHIP_WITHIN, calendar),
               sla.end_of_working_day(received_at, calendar))


def follow_up_due(shipped_at, days, calendar):
    return sla.end_of_working_day(shipped_at + timedelta(days=days), calendar)


def follow_up_dues(shipped_at, calendar):
    return {kind: follow_up_due(shipped_at, days, calendar) for kind, days in MILESTONE_DAYS.items()}


def is_working_day(day, calendar):
    return calendar.always_open or bool(calendar.intervals_on(day))


__all__ = ["follow_up_dues", "is_working_day", "ship_due"]
