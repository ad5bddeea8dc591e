"""Merge of the spare-parts branch's role sync (purchasing); re-apply role permissions."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_sync_roles_spares"),
        ("staff", "0008_merge_sync_roles_quality"),
    ]
    operations = [migrations.RunPython(sync_roles, noop)]
