"""Re-apply role permissions now that the dispatch models and permissions exist."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0003_sync_roles_sla"), ("dispatch", "0001_initial")]
    operations = [migrations.RunPython(sync_roles, noop)]
