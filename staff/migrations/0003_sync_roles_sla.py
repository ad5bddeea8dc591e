"""Re-apply role permissions now that the SLA models and permissions exist."""
from django.db import migrations

from staff.rolesync import noop, sync_roles


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_roles_departments"), ("tickets", "0003_default_sla_policies")]
    operations = [migrations.RunPython(sync_roles, noop)]
