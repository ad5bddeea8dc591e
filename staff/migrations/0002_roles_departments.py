"""Roles (groups with their permissions), departments and the system user."""
from django.contrib.auth.hashers import make_password
from django.db import migrations

from staff.rolesync import noop, sync_roles

DEPARTMENTS = [
    ("service_center", "Service center"),
    ("dispatch", "Dispatch"),
    ("spares", "Spare parts"),
    ("quality", "Quality"),
    ("management", "Management"),
]


def create_departments_and_system_user(apps, schema_editor):
    Department = apps.get_model("staff", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})
    User = apps.get_model("auth", "User")
    # Actor of automatic events (auto-close, SLA sweep); cannot sign in.
    User.objects.get_or_create(
        username="system",
        defaults={"first_name": "System", "is_active": False, "password": make_password(None)},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("tickets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [
        migrations.RunPython(sync_roles, noop),
        migrations.RunPython(create_departments_and_system_user, noop),
    ]
