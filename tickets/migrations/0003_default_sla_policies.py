"""Default business calendar and SLA policies (SPEC §4, seed 002): 4 h response, 6 h
completion, 8 h with a special circumstance, 20 min onsite arrival, 1 working day
callback. Normal and urgent tickets count working hours; critical ones run 24×7."""
import datetime

from django.conf import settings
from django.db import migrations

WORKING_HOURS = [(day, datetime.time(9), datetime.time(18)) for day in range(5)]  # Mon-Fri 09:00-18:00


def create_defaults(apps, schema_editor):
    BusinessCalendar = apps.get_model("tickets", "BusinessCalendar")
    WorkingHours = apps.get_model("tickets", "WorkingHours")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    calendar, created = BusinessCalendar.objects.get_or_create(
        name="Service center", defaults={"time_zone": settings.TIME_ZONE})
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=s, end=e) for d, s, e in WORKING_HOURS)
    for priority, uses_calendar in (("normal", True), ("urgent", True), ("critical", False)):
        SlaPolicy.objects.get_or_create(priority=priority, defaults={"calendar": calendar if uses_calendar else None})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_sla")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
