"""The purchasing role, and the spare-parts permissions of every role (staff.roles)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_sync_roles_dispatch"), ("spares", "0001_initial")]
    operations = [migrations.RunPython(sync_roles, noop)]
