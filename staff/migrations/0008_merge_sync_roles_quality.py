"""Merge of the quality branch's role sync; re-apply role permissions (idempotent)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_sync_roles_quality"),
        ("staff", "0007_merge_sync_roles"),
        ("quality", "0003_merge_quality_reports"),
    ]
    operations = [migrations.RunPython(sync_roles, noop)]
