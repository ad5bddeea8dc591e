"""tickets' escalation_raised_idx (-raised_at, -id) serves the reports' range queries on
raised_at as well; the reports' own copy of that index only cost writes."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_merge_quality_reports"), ("tickets", "0007_escalation_page_indexes")]
    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS report_escalation_raised_idx",
                          "CREATE INDEX IF NOT EXISTS report_escalation_raised_idx ON tickets_escalation (raised_at)"),
    ]
