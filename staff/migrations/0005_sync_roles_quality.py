"""Re-apply role permissions now that the quality models exist; adds the sales lead role."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_sync_roles_dispatch"), ("quality", "0001_initial")]
    operations = [migrations.RunPython(sync_roles, noop)]
