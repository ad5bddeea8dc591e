"""Statutory holidays and make-up working days (调休) into a business calendar, from the
maintained `holidays` library (its CN calendar carries the State Council's make-up days
once they are published). Rows already present are left as they are, so whatever an
administrator corrected in the admin survives the next (yearly) load."""
from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import InvalidInput
from ..models import BusinessCalendar, CalendarDay

DEFAULT_HOURS = (time(9), time(18))


@dataclass
class LoadResult:
    holidays: int = 0
    workdays: int = 0
    kept: int = 0


def statutory_days(country, year):
    """[(date, kind, name)] for the year: holidays, and weekend days that are working days."""
    import holidays

    try:
        calendar = holidays.country_holidays(country, years=year, language=_holiday_language())
    except NotImplementedError:
        raise InvalidInput(_("No holiday calendar for country %(country)s.") % {"country": country}) from None
    days = [(day, CalendarDay.Kind.HOLIDAY, str(name)[:80]) for day, name in sorted(calendar.items())]
    makeup = sorted(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    days += [(day, CalendarDay.Kind.WORKDAY, _("Make-up working day")) for day in makeup]
    return days


def _holiday_language():
    """Holiday names in the center's language (the library falls back to its default)."""
    return "zh_CN" if settings.LANGUAGE_CODE.lower().startswith("zh") else "en_US"


def working_day_hours(calendar):
    """Hours of a make-up working day: from the earliest weekday opening to the latest close."""
    hours = list(calendar.hours.filter(weekday__lt=5).values_list("start", "end"))
    if not hours:
        return DEFAULT_HOURS
    return min(start for start, _end in hours), max(end for _start, end in hours)


@transaction.atomic
def load_holidays(calendar, *, country, year):
    if not 1990 <= int(year) <= 2100:
        raise InvalidInput(_("Give a year between 1990 and 2100."))
    result = LoadResult()
    existing = set(CalendarDay.objects.filter(calendar=calendar, date__year=year).values_list("date", flat=True))
    start, end = working_day_hours(calendar)
    new = []
    for day, kind, name in statutory_days(country, int(year)):
        if day in existing:
            result.kept += 1
            continue
        existing.add(day)
        workday = kind == CalendarDay.Kind.WORKDAY
        new.append(CalendarDay(calendar=calendar, date=day, kind=kind, name=name,
                               start=start if workday else None, end=end if workday else None))
        if workday:
            result.workdays += 1
        else:
            result.holidays += 1
    CalendarDay.objects.bulk_create(new)
    return result


def calendars_for(name=None):
    """The named calendar, or every business calendar."""
    calendars = BusinessCalendar.objects.order_by("id")
    if name:
        calendars = calendars.filter(name=name)
        if not calendars.exists():
            raise InvalidInput(_("No business calendar named %(name)s.") % {"name": name})
    return list(calendars)
