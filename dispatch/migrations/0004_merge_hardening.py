"""Merge of the hardening branch (input caps, depot-lead permission) with the engineer-profile branch."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0002_profiles_for_engineer_roles"), ("dispatch", "0003_depot_lead")]
    operations = []
