"""Re-apply role permissions: the depot-lead permission (supervisors act on any depot job)."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_sync_roles_dispatch"), ("dispatch", "0003_depot_lead")]
    operations = [migrations.RunPython(sync_roles, noop)]
