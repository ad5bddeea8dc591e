"""Re-apply role permissions now that the report permissions (quality app) exist."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_sync_roles_dispatch"), ("quality", "0001_reports")]
    operations = [migrations.RunPython(sync_roles, noop)]
