"""The business calendar the quality department counts in. Callbacks and complaint
replies always follow the business calendar (seed 002), even under a 24×7 policy."""
from django.conf import settings

from tickets import sla
from tickets.choices import Priority
from tickets.models import BusinessCalendar, SlaPolicy


def business_calendar():
    """(record, calendar): the normal-priority policy's calendar, else the first one."""
    policy = SlaPolicy.objects.select_related("calendar").filter(priority=Priority.NORMAL).first()
    record = policy.calendar if policy and policy.calendar_id else BusinessCalendar.objects.order_by("pk").first()
    if record is None:
        return None, sla.Calendar.always(settings.TIME_ZONE)
    return record, record.to_calendar()


def working_day_of(instant, calendar):
    """The local date of `instant` if that date has working hours, else None."""
    day = instant.astimezone(calendar.tz).date()
    if calendar.always_open or calendar.hours_on(day):
        return day
    return None
