"""Merge of the completion-records branch and the search/escalation-index branch."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_urgent_policy_and_completion_history"),
        ("tickets", "0008_drop_escalation_open_idx"),
    ]
    operations = []
