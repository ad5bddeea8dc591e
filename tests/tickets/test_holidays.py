"""China's statutory holidays and make-up working days (调休) from the `holidays`
library into the business calendar (issue 7 item 7), and Saturday opening hours.
2026 (published): National Day 10-01..10-07 off, Saturday 10-10 a make-up working day."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tickets import choices
from tickets.models import BusinessCalendar, CalendarDay, ClockKind, SlaClock, WorkingHours
from tickets.tasks import load_statutory_holidays

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def sh(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def center():
    return BusinessCalendar.objects.get(name="Service center")


def response_due(make_ticket, at):
    ticket = make_ticket(now=at)
    return SlaClock.objects.get(ticket=ticket, kind=ClockKind.RESPONSE).due_at


def test_default_calendar_has_no_holidays_until_loaded(center, make_ticket):
    # Wed 2026-09-30 17:00 + 4 h without holidays: 1 h Wed + Thu 10-01 09:00-12:00.
    assert response_due(make_ticket, sh(2026, 9, 30, 17)) == sh(2026, 10, 1, 12)


def test_load_cn_2026_adds_holidays_and_make_up_days(center, make_ticket, capsys):
    call_command("load_holidays", "--country", "CN", "--year", "2026")
    assert "make-up working day" in capsys.readouterr().out
    days = {d.date: d for d in CalendarDay.objects.filter(calendar=center)}
    assert days[date(2026, 10, 1)].kind == CalendarDay.Kind.HOLIDAY
    makeup = days[date(2026, 10, 10)]  # a Saturday
    assert (makeup.kind, makeup.start, makeup.end) == (CalendarDay.Kind.WORKDAY, time(9), time(18))
    assert {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20)} <= {
        d for d, row in days.items() if row.kind == CalendarDay.Kind.WORKDAY}
    # Wed 09-30 17:00 + 4 h: 1 h Wed, National Day 10-01..10-07 off, Thu 10-08 09:00-12:00.
    assert response_due(make_ticket, sh(2026, 9, 30, 17)) == sh(2026, 10, 8, 12)
    # Fri 10-09 17:00 + 4 h: 1 h Fri, then the make-up Saturday 10-10 09:00-12:00.
    assert response_due(make_ticket, sh(2026, 10, 9, 17)) == sh(2026, 10, 10, 12)


def test_reloading_keeps_what_the_admin_edited(center, capsys):
    call_command("load_holidays", "--country", "CN", "--year", "2026")
    count = CalendarDay.objects.filter(calendar=center).count()
    CalendarDay.objects.filter(calendar=center, date=date(2026, 10, 10)).update(start=time(10), end=time(16))
    CalendarDay.objects.filter(calendar=center, date=date(2026, 10, 7)).delete()
    CalendarDay.objects.create(calendar=center, date=date(2026, 10, 7), kind=CalendarDay.Kind.WORKDAY,
                               start=time(9), end=time(12), name="Open half a day")
    call_command("load_holidays", "--country", "CN", "--year", "2026")
    assert CalendarDay.objects.filter(calendar=center).count() == count
    assert CalendarDay.objects.get(calendar=center, date=date(2026, 10, 10)).start == time(10)
    assert CalendarDay.objects.get(calendar=center, date=date(2026, 10, 7)).kind == CalendarDay.Kind.WORKDAY
    assert f"{count} already there" in capsys.readouterr().out.splitlines()[-1]


def test_default_years_are_this_year_and_next(center, capsys):
    import time_machine

    with time_machine.travel(sh(2026, 12, 1, 3, 30), tick=False):
        call_command("load_holidays")
    out = capsys.readouterr().out
    assert "Service center 2026:" in out and "Service center 2027:" in out
    assert CalendarDay.objects.filter(calendar=center, date=date(2027, 10, 1), kind="holiday").exists()


def test_bad_country_and_calendar_are_clear_errors(center):
    with pytest.raises(CommandError, match="No holiday calendar for country XX"):
        call_command("load_holidays", "--country", "XX", "--year", "2026")
    with pytest.raises(CommandError, match="No business calendar named Nowhere"):
        call_command("load_holidays", "--calendar", "Nowhere", "--year", "2026")
    with pytest.raises(CommandError, match="between 1990 and 2100"):
        call_command("load_holidays", "--year", "3000")


def test_yearly_beat_task_loads_this_year_and_next(center):
    import time_machine

    entry = settings.CELERY_BEAT_SCHEDULE["load-statutory-holidays"]
    assert entry["task"] == "tickets.tasks.load_statutory_holidays"
    assert entry["schedule"].month_of_year == {12} and entry["schedule"].day_of_month == {1}
    with time_machine.travel(sh(2026, 12, 1, 3, 30), tick=False):
        added = load_statutory_holidays()
        assert load_statutory_holidays() == 0  # idempotent
    assert added == CalendarDay.objects.filter(calendar=center).count() > 0


def test_saturday_opening_hours_count_for_the_clocks(center, make_ticket):
    WorkingHours.objects.create(calendar=center, weekday=5, start=time(9), end=time(13))
    # Fri 2026-11-27 17:00 + 4 h: 1 h Fri, Sat 09:00-12:00.
    assert response_due(make_ticket, sh(2026, 11, 27, 17)) == sh(2026, 11, 28, 12)
    critical = make_ticket(now=sh(2026, 11, 27, 17), priority=choices.Priority.CRITICAL)
    assert SlaClock.objects.get(ticket=critical, kind=ClockKind.RESPONSE).due_at == sh(2026, 11, 27, 21)


def test_holiday_names_follow_the_centers_language(center, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("load_holidays", "--year", "2026")
    assert CalendarDay.objects.get(calendar=center, date=date(2026, 10, 1)).name == "国庆节"
