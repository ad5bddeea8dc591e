"""Shared fixtures: one user per role, an API client per role, a ticket maker."""
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from staff import roles
from tests.factories import ProductUnitFactory, UserFactory
from tickets import choices, services

requires_postgres = pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="needs PostgreSQL row locks; run with DATABASE_URL=postgres://..."
)


def _restore_reference_data():
    """Transactional tests flush every table after they run, data-migration rows
    included; put the roles, departments and default SLA policies back."""
    from importlib import import_module

    from django.apps import apps

    from staff.rolesync import sync_roles

    sync_roles(apps)
    import_module("staff.migrations.0002_roles_departments").create_departments_and_system_user(apps, None)
    import_module("tickets.migrations.0003_default_sla_policies").create_defaults(apps, None)


@pytest.fixture(autouse=True)
def reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if transactional:
        request.getfixturevalue("transactional_db")
        _restore_reference_data()


def _user(role, name=None):
    return UserFactory(username=name or role, roles=[role])


@pytest.fixture
def agent(db):
    return _user(roles.AGENT)


@pytest.fixture
def dispatcher(db):
    return _user(roles.DISPATCHER)


@pytest.fixture
def engineer(db):
    return _user(roles.ONSITE_ENGINEER, "engineer")


@pytest.fixture
def other_engineer(db):
    return _user(roles.ONSITE_ENGINEER, "engineer2")


@pytest.fixture
def depot_engineer(db):
    return _user(roles.DEPOT_ENGINEER)


@pytest.fixture
def tech_support(db):
    return _user(roles.TECH_SUPPORT)


@pytest.fixture
def spares_admin(db):
    return _user(roles.SPARES_ADMIN)


@pytest.fixture
def quality(db):
    return _user(roles.QUALITY)


@pytest.fixture
def supervisor(db):
    return _user(roles.SUPERVISOR)


@pytest.fixture
def manager(db):
    return _user(roles.MANAGER)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def unit(db):
    return ProductUnitFactory()


@pytest.fixture
def make_ticket(agent, unit, now):
    """Create a ticket through the intake service (so number, warranty, event are real)."""

    def make(**overrides):
        fields = {
            "customer": unit.customer, "unit": unit, "channel": choices.Channel.PHONE,
            "category": choices.Category.REPAIR, "service_type": choices.ServiceType.ONSITE,
            "fault_description": "No power", "now": now, "by": agent,
            # Tests make many tickets for the one `unit`; intake refuses a second open
            # ticket for a unit without a reason (tests/tickets/test_intake_rules.py).
            "duplicate_reason": "test: several tickets for one unit",
        }
        fields.update(overrides)
        return services.create_ticket(**fields)

    return make


@pytest.fixture
def api_client():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for
