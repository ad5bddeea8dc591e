"""Clock arithmetic for SLA deadlines (SPEC §4). Pure: no database, `now` passed in.

A `Calendar` is the center's weekly working hours plus holidays and make-up working
days, in its time zone; `Calendar.always()` is 24×7. Durations are real elapsed time
inside working intervals, so a working day that crosses a DST change is as long as the
clock on the wall says it is.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc

# How far ahead `add_working_time` looks before deciding the calendar has no working time.
MAX_SEARCH_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    """weekly_hours: weekday (0 = Monday) → tuple of (start, end) local times.
    holidays: dates with no work. workdays: make-up working dates → their hours."""

    tz: ZoneInfo
    weekly_hours: dict = field(default_factory=dict)
    holidays: frozenset = frozenset()
    workdays: dict = field(default_factory=dict)
    always_open: bool = False

    @classmethod
    def always(cls, tz="UTC"):
        return cls(tz=ZoneInfo(tz) if isinstance(tz, str) else tz, always_open=True)

    def hours_on(self, day):
        if day in self.workdays:
            return self.workdays[day]
        if day in self.holidays:
            return ()
        return self.weekly_hours.get(day.weekday(), ())

    def intervals_on(self, day):
        """The day's working intervals, in order, as UTC datetimes. (Python subtracts two
        datetimes of the same zone as wall-clock times, wrong across DST; UTC is not.)"""
        result = []
        for start, end in self.hours_on(day):
            begin = datetime.combine(day, start, tzinfo=self.tz)
            finish = datetime.combine(day, end, tzinfo=self.tz) if end != time(0) else \
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
            begin, finish = begin.astimezone(UTC), finish.astimezone(UTC)
            if finish > begin:
                result.append((begin, finish))
        return result

    def intervals_from(self, instant):
        """Working intervals that end after `instant`, clipped to start no earlier than it."""
        day = instant.astimezone(self.tz).date() - timedelta(days=1)  # an interval may span midnight
        for _ in range(MAX_SEARCH_DAYS):
            for begin, finish in self.intervals_on(day):
                if finish > instant:
                    yield max(begin, instant), finish
            day += timedelta(days=1)
        raise ValueError("The calendar has no working time within the next three years.")


def add_working_time(start, duration, calendar):
    """The instant when `duration` of working time has passed after `start`."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    start = start.astimezone(UTC)
    if calendar.always_open:
        return start + duration
    remaining = duration
    if remaining == timedelta(0):
        return start
    for begin, finish in calendar.intervals_from(start):
        available = finish - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: intervals_from raises before running out")


def working_time_between(start, end, calendar):
    """Working time inside [start, end); negative when end is before start."""
    if end < start:
        return -working_time_between(end, start, calendar)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if calendar.always_open:
        return end - start
    total = timedelta(0)
    for begin, finish in calendar.intervals_from(start):
        if begin >= end:
            break
        total += min(finish, end) - begin
    return total


def end_of_working_day(instant, calendar):
    """End of the last working interval of the instant's local day; if that day has no
    working time left, the end of the next working day (the work cannot be done sooner)."""
    if calendar.always_open:
        local = instant.astimezone(calendar.tz)
        return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=calendar.tz).astimezone(UTC)
    day = instant.astimezone(calendar.tz).date()
    today = [finish for _, finish in calendar.intervals_on(day) if finish > instant]
    if today:
        return today[-1]
    begin, _ = next(calendar.intervals_from(instant))
    return calendar.intervals_on(begin.astimezone(calendar.tz).date())[-1][1]


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime
    warn_at: datetime
    level2_at: datetime


def deadlines(start, target, calendar, *, warning_percent=75, level2_factor=2.0):
    """Warning at `warning_percent` of the target, breach at the target, level 2 at
    `level2_factor` × the target — all counted in the calendar's working time."""
    return Deadlines(
        due_at=add_working_time(start, target, calendar),
        warn_at=add_working_time(start, target * warning_percent / 100, calendar),
        level2_at=add_working_time(start, target * level2_factor, calendar),
    )


def part_return_due(completed_at, calendar, *, hours=6):
    """Defective part back at the desk within 6 working hours, or by the end of that
    working day if that is later (SPEC §3, seed 002 "6小时或当天"). On a 24×7 calendar
    working hours are wall-clock hours and the day ends at midnight."""
    completed_at = completed_at.astimezone(UTC)
    return max(add_working_time(completed_at, timedelta(hours=hours), calendar),
               end_of_working_day(completed_at, calendar))


def scaled_deadlines(start, due_at, calendar, *, warning_percent=75, level2_factor=2.0):
    """Warning and level 2 for a clock whose deadline is fixed by a rule (not a plain
    target): the span up to `due_at` is measured in working time and scaled in working
    time, so no warning or escalation falls outside working hours on a calendar clock."""
    span = working_time_between(start, due_at, calendar)
    return Deadlines(
        due_at=due_at,
        warn_at=add_working_time(start, span * warning_percent / 100, calendar),
        level2_at=add_working_time(start, span * level2_factor, calendar),
    )


def arrival_target(*, area, travel_minutes, base_minutes=20):
    """20 minutes in urban areas; elsewhere 20 plus the dispatcher's travel estimate."""
    extra = 0 if area == "urban" else max(int(travel_minutes or 0), 0)
    return timedelta(minutes=base_minutes + extra)
