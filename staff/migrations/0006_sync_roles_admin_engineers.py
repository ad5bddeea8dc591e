"""Administrators edit engineer profiles in the admin (issue 7 item 10)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0005_notification_text_params"), ("dispatch", "0002_profiles_for_engineer_roles")]
    operations = [migrations.RunPython(sync_roles, noop)]
