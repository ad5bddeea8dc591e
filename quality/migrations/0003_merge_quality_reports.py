"""Merge of the quality department's and the manager reports' first migrations."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial"), ("quality", "0002_report_indexes")]
    operations = []
