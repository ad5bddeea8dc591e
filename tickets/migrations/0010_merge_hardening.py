"""Merge of the hardening branch (input caps, sweep heartbeat)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_sweep_run"), ("tickets", "0009_merge_completions_and_indexes")]
    operations = []
