"""Indexes the report queries need on the service center's tables (tickets app), kept
here so the reports ship as one piece: escalations by the time they were raised, and the
reopen events (completed/closed → new) by time, a small partial index."""
from django.db import migrations

INDEXES = [
    ("report_escalation_raised_idx", "tickets_escalation (raised_at)"),
    ("report_reopen_event_at_idx",
     "tickets_ticketevent (at) WHERE to_status = 'new' AND from_status IN ('completed', 'closed')"),
]


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_reports"), ("tickets", "0005_import_support")]
    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
