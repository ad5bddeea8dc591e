"""Merge of the notification-text and the reports branches; re-apply role permissions
once both are in (sync_roles is idempotent)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_sync_roles_reports"),
        ("staff", "0006_sync_roles_admin_engineers"),
    ]
    operations = [migrations.RunPython(sync_roles, noop)]
