"""Merge of the inbox-index branch; re-apply role permissions (idempotent)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0007_merge_inbox_index_notification_texts"),
        ("staff", "0009_merge_sync_roles_spares"),
    ]
    operations = [migrations.RunPython(sync_roles, noop)]
