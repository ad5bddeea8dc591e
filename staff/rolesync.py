"""Bring the role groups in line with staff.roles.ROLE_PERMISSIONS. Called from data
migrations with the historical `apps`; idempotent, and skips permissions whose app
has not been migrated yet (a later migration of that app calls it again)."""
from django.contrib.auth.management import create_permissions

from . import roles


def sync_roles(apps, schema_editor=None):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perm_names in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def noop(apps, schema_editor):
    pass
