"""An index the report queries need on a service-center table (tickets app), kept here
so the reports ship as one piece: escalations by the time they were raised (breaches by
level per period)."""
from django.db import migrations

INDEXES = [
    ("report_escalation_raised_idx", "tickets_escalation (raised_at)"),
]


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_reports"), ("tickets", "0005_import_support")]
    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
