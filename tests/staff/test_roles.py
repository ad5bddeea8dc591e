"""Roles, departments and the system user come from data migrations (STYLE: a fresh
database is complete after `migrate`)."""
import pytest
from django.test import RequestFactory
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission

from staff import roles
from staff.models import Department
from staff.rolesync import sync_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def existing(perm_names):
    found = set()
    for name in perm_names:
        app_label, codename = name.split(".")
        if Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists():
            found.add(name)
    return found


def group_perms(role):
    return {f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")}


@pytest.mark.parametrize("role", roles.ROLES)
def test_role_group_has_exactly_its_permissions(role):
    assert group_perms(role) == existing(roles.ROLE_PERMISSIONS[role])


@pytest.mark.parametrize("role", roles.ROLES)
def test_every_permission_a_role_names_exists(role):
    """A typo in ROLE_PERMISSIONS would silently grant nothing."""
    wanted = set(roles.ROLE_PERMISSIONS[role])
    assert wanted - existing(wanted) == set()


def test_every_role_has_a_label_and_a_permission_list():
    assert set(roles.ROLE_PERMISSIONS) == set(roles.ROLES) == set(roles.ROLE_LABELS)


def test_manager_cannot_write_tickets():
    writes = {p for p in roles.ROLE_PERMISSIONS[roles.MANAGER]
              if p.split(".")[1].split("_")[0] in {"add", "change", "delete"}}
    assert writes == set()
    assert "tickets.view_all_tickets" in group_perms(roles.MANAGER)


def test_sync_roles_is_idempotent_and_repairs_drift():
    from django.apps import apps

    dispatcher = Group.objects.get(name=roles.DISPATCHER)
    dispatcher.permissions.add(Permission.objects.get(codename="delete_ticket"))
    Group.objects.get(name=roles.AGENT).permissions.clear()
    sync_roles(apps)
    sync_roles(apps)
    assert group_perms(roles.DISPATCHER) == existing(roles.ROLE_PERMISSIONS[roles.DISPATCHER])
    assert group_perms(roles.AGENT) == existing(roles.ROLE_PERMISSIONS[roles.AGENT])
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)


def test_system_user_exists_and_cannot_sign_in():
    system = get_user_model().objects.get(username="system")
    assert system.is_active is False
    assert system.has_usable_password() is False
    request = RequestFactory().post("/login/")  # django-axes needs the request
    assert authenticate(request, username="system", password="") is None
    assert authenticate(request, username="system", password="system") is None


def test_departments_exist():
    assert set(Department.objects.values_list("code", flat=True)) >= {
        "service_center", "dispatch", "spares", "quality", "management"}


def test_user_roles_and_has_role():
    user = UserFactory(username="two-hats", roles=[roles.AGENT, roles.QUALITY])
    assert roles.user_roles(user) == {roles.AGENT, roles.QUALITY}
    assert roles.has_role(user, roles.QUALITY, roles.MANAGER)
    assert not roles.has_role(user, roles.DISPATCHER)


def test_superuser_has_every_role_but_anonymous_has_none():
    from django.contrib.auth.models import AnonymousUser

    assert roles.has_role(UserFactory(username="root", is_superuser=True), roles.MANAGER)
    assert roles.user_roles(AnonymousUser()) == frozenset()
    assert not roles.has_role(AnonymousUser(), roles.AGENT)
