"""Merge of the hardening branch's role sync (depot lead); re-apply role permissions."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_sync_roles_depot_lead"),
        ("staff", "0010_merge_inbox_index"),
        ("dispatch", "0004_merge_hardening"),
    ]
    operations = [migrations.RunPython(sync_roles, noop)]
