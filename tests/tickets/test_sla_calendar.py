"""Business-calendar arithmetic (tickets/sla.py): examples at the edges and laws."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from tickets import sla

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_SIX = ((time(9), time(12)), (time(13), time(18)))  # 8 working hours, lunch break


def center(tz=SHANGHAI, holidays=(), workdays=None):
    return sla.Calendar(
        tz=tz, weekly_hours={d: NINE_TO_SIX for d in range(5)},
        holidays=frozenset(holidays), workdays=workdays or {},
    )


def at(y, m, d, hh=0, mm=0, tz=SHANGHAI):
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def test_four_hours_from_monday_morning_skips_lunch():
    # Monday 2026-11-23 10:00 + 4 h: 10-12 (2 h), lunch, 13-15 (2 h).
    assert sla.add_working_time(at(2026, 11, 23, 10), timedelta(hours=4), center()) == at(2026, 11, 23, 15)


def test_friday_afternoon_rolls_over_the_weekend():
    # Friday 16:00 + 4 h → 2 h Friday, then Monday 09:00-11:00.
    assert sla.add_working_time(at(2026, 11, 27, 16), timedelta(hours=4), center()) == at(2026, 11, 30, 11)


def test_start_at_night_begins_at_next_opening():
    assert sla.add_working_time(at(2026, 11, 23, 22), timedelta(minutes=30), center()) == at(2026, 11, 24, 9, 30)


def test_holiday_is_skipped_and_makeup_saturday_counts():
    calendar = center(holidays={date(2026, 11, 24)}, workdays={date(2026, 11, 28): ((time(9), time(18)),)})
    # Monday 17:00 + 2 h: 1 h Monday, Tuesday is a holiday, Wednesday 09:00-10:00.
    assert sla.add_working_time(at(2026, 11, 23, 17), timedelta(hours=2), calendar) == at(2026, 11, 25, 10)
    # Friday 17:00 + 3 h: 1 h Friday, then the make-up Saturday 09:00-11:00.
    assert sla.add_working_time(at(2026, 11, 27, 17), timedelta(hours=3), calendar) == at(2026, 11, 28, 11)


def test_exact_end_of_interval_is_not_pushed_to_next_day():
    assert sla.add_working_time(at(2026, 11, 23, 17), timedelta(hours=1), center()) == at(2026, 11, 23, 18)


def test_measure_across_a_weekend_counts_only_working_time():
    assert sla.working_time_between(at(2026, 11, 27, 17), at(2026, 11, 30, 10), center()) == timedelta(hours=2)
    assert sla.working_time_between(at(2026, 11, 30, 10), at(2026, 11, 27, 17), center()) == -timedelta(hours=2)


def test_dst_spring_forward_day_is_an_hour_shorter_in_a_24h_local_calendar():
    # Berlin, Sunday 2026-03-29: 02:00 → 03:00. A round-the-clock local calendar
    # measures real time, so that local day holds 23 hours.
    calendar = sla.Calendar(tz=BERLIN, weekly_hours={d: ((time(0), time(0)),) for d in range(7)})
    day = sla.working_time_between(at(2026, 3, 29, 0, tz=BERLIN), at(2026, 3, 30, 0, tz=BERLIN), calendar)
    assert day == timedelta(hours=23)


def test_working_hours_across_dst_keep_wall_clock_opening():
    calendar = center(tz=BERLIN)
    # Friday 2026-10-23 17:00 CEST + 2 h: 1 h Friday, then Monday (now CET) 09:00-10:00 local.
    result = sla.add_working_time(at(2026, 10, 23, 17, tz=BERLIN), timedelta(hours=2), calendar)
    assert result.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 10, 26, 10)


def test_calendar_without_working_time_raises():
    with pytest.raises(ValueError):
        sla.add_working_time(at(2026, 11, 23), timedelta(hours=1), sla.Calendar(tz=SHANGHAI))


def test_always_open_is_plain_arithmetic():
    calendar = sla.Calendar.always("Asia/Shanghai")
    assert sla.add_working_time(at(2026, 11, 28, 23), timedelta(hours=4), calendar) == at(2026, 11, 29, 3)


def test_deadlines_warning_breach_and_level_two():
    d = sla.deadlines(at(2026, 11, 23, 9), timedelta(hours=4), center())
    assert (d.warn_at, d.due_at, d.level2_at) == (at(2026, 11, 23, 12), at(2026, 11, 23, 14), at(2026, 11, 23, 18))


def test_part_return_due_is_six_working_hours_or_end_of_working_day_if_later():
    calendar = center()
    # Monday 10:00 + 6 working hours = 10-12, 13-17 → 17:00, before the day ends at 18:00.
    assert sla.part_return_due(at(2026, 11, 23, 10), calendar) == at(2026, 11, 23, 18)
    # Monday 15:00: 15-18 (3 h) + Tuesday 09-12 (3 h) → Tuesday 12:00, never 21:00 at night.
    assert sla.part_return_due(at(2026, 11, 23, 15), calendar) == at(2026, 11, 24, 12)
    # Friday 17:00: 1 h Friday + Monday 09-12, 13-15 → Monday 15:00.
    assert sla.part_return_due(at(2026, 11, 27, 17), calendar) == at(2026, 11, 30, 15)


def test_part_return_on_a_round_the_clock_calendar_counts_wall_clock_hours():
    always = sla.Calendar.always(SHANGHAI)
    assert sla.part_return_due(at(2026, 11, 23, 15), always) == at(2026, 11, 24, 0)  # midnight > 21:00
    assert sla.part_return_due(at(2026, 11, 23, 20), always) == at(2026, 11, 24, 2)


def test_scaled_deadlines_stay_inside_working_time():
    # A fixed deadline of Tuesday 12:00 from Monday 15:00 is 6 working hours: warning at
    # 4.5 h (Tuesday 10:30), level 2 at 12 h (Monday 3 h + Tuesday 8 h + Wednesday 1 h).
    d = sla.scaled_deadlines(at(2026, 11, 23, 15), at(2026, 11, 24, 12), center())
    assert (d.warn_at, d.due_at, d.level2_at) == (at(2026, 11, 24, 10, 30), at(2026, 11, 24, 12),
                                                  at(2026, 11, 25, 10))


def test_end_of_working_day_after_hours_is_next_working_day():
    assert sla.end_of_working_day(at(2026, 11, 27, 19), center()) == at(2026, 11, 30, 18)


def test_arrival_target_adds_travel_outside_urban_areas():
    assert sla.arrival_target(area="urban", travel_minutes=40) == timedelta(minutes=20)
    assert sla.arrival_target(area="remote", travel_minutes=40) == timedelta(minutes=60)


# --- laws ---------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(SHANGHAI)
)
berlin_instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(BERLIN)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
holiday_sets = st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=30)


@hsettings(max_examples=200, deadline=None)
@given(start=instants, duration=durations, holidays=holiday_sets)
def test_add_then_measure_gives_back_the_duration(start, duration, holidays):
    calendar = center(holidays=holidays)
    end = sla.add_working_time(start, duration, calendar)
    assert sla.working_time_between(start, end, calendar) == duration


@hsettings(max_examples=200, deadline=None)
@given(start=berlin_instants, duration=durations)
def test_add_then_measure_holds_across_dst(start, duration):
    calendar = center(tz=BERLIN)
    end = sla.add_working_time(start, duration, calendar)
    assert sla.working_time_between(start, end, calendar) == duration


@hsettings(max_examples=200, deadline=None)
@given(start=instants, a=durations, b=durations)
def test_add_is_monotone_in_duration(start, a, b):
    calendar = center()
    low, high = sorted((a, b))
    assert sla.add_working_time(start, low, calendar) <= sla.add_working_time(start, high, calendar)


@hsettings(max_examples=200, deadline=None)
@given(a=instants, b=instants, duration=durations)
def test_add_is_monotone_in_start(a, b, duration):
    calendar = center()
    early, late = sorted((a, b))
    assert sla.add_working_time(early, duration, calendar) <= sla.add_working_time(late, duration, calendar)


@hsettings(max_examples=200, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_measure_is_additive(a, b, c):
    calendar = center()
    a, b, c = sorted((a, b, c))
    assert sla.working_time_between(a, c, calendar) == (
        sla.working_time_between(a, b, calendar) + sla.working_time_between(b, c, calendar))


@hsettings(max_examples=100, deadline=None)
@given(start=instants, duration=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=5)))
def test_positive_duration_ends_inside_working_hours(start, duration):
    end = sla.add_working_time(start, duration, center()).astimezone(SHANGHAI)
    assert end.weekday() < 5
    assert any(begin < end.time() <= finish for begin, finish in NINE_TO_SIX)
