"""Engineers given their role before profiles were created with the role (dispatch.receivers)
get one now, so every engineer is on the board."""
from django.db import migrations

ENGINEER_ROLES = {"onsite_engineer": False, "depot_engineer": True}  # role → works depot jobs


def create_missing_profiles(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EngineerProfile = apps.get_model("dispatch", "EngineerProfile")
    for user in User.objects.filter(groups__name__in=ENGINEER_ROLES, engineer__isnull=True).distinct():
        depot = user.groups.filter(name="depot_engineer").exists()
        EngineerProfile.objects.get_or_create(user=user, defaults={"does_depot": depot, "does_onsite": not depot})


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_initial"),
        ("staff", "0004_sync_roles_dispatch"),
    ]

    operations = [migrations.RunPython(create_missing_profiles, migrations.RunPython.noop)]
