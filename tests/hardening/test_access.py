"""Least privilege (issue 8 items 6–8, 10 schema, 11): field jobs, depot assignee, the
customers engineers see, the schema behind login, the secret key and seed_demo."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from dispatch import services as dispatch_services
from dispatch.models import BenchTest
from tests.factories import ProductUnitFactory, UserFactory
from tickets import choices, services
from tickets.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


# --- item 6: a field job is no way into other customers' records ------------------------------

def _field_job(client, engineer, unit, now):
    return client.post("/api/field-jobs/", {
        "engineer": engineer.pk, "customer": unit.customer.pk, "unit": unit.pk, "category": "repair",
        "service_type": "onsite", "fault_description": "x", "received_at": (now - timedelta(hours=1)).isoformat()},
        format="json")


def test_an_engineer_cannot_attach_a_stranger_unit_to_a_field_job(api_client, engineer, now):
    stranger = ProductUnitFactory(proof_image="proofs/x.pdf")
    response = _field_job(api_client(engineer), engineer, stranger, now)
    assert response.status_code == 403
    assert not stranger.tickets.exists()
    assert api_client(engineer).get(f"/api/units/{stranger.pk}/proof/").status_code == 404


def test_an_engineer_may_enter_a_field_job_for_a_customer_of_his_jobs(api_client, engineer, dispatcher, unit,
                                                                        make_ticket, now):
    services.assign_ticket(make_ticket(now=now - timedelta(hours=3)), engineer, by=dispatcher,
                           now=now - timedelta(hours=3))
    assert _field_job(api_client(engineer), engineer, unit, now).status_code == 201


def test_a_dispatcher_may_record_a_field_job_for_any_customer(api_client, dispatcher, engineer, now):
    stranger = ProductUnitFactory()
    assert _field_job(api_client(dispatcher), engineer, stranger, now).status_code == 201


def test_a_unit_of_another_customer_is_refused(api_client, dispatcher, engineer, unit, now):
    other = ProductUnitFactory()
    response = api_client(dispatcher).post("/api/field-jobs/", {
        "engineer": engineer.pk, "customer": unit.customer.pk, "unit": other.pk, "category": "repair",
        "service_type": "onsite", "fault_description": "x", "received_at": now.isoformat()}, format="json")
    assert response.status_code == 400


# --- item 7: depot actions need the assignee or a depot lead -----------------------------------

@pytest.fixture
def on_bench(make_ticket, dispatcher, depot_engineer, now):
    ticket = make_ticket(now=now, service_type=choices.ServiceType.CARRY_IN)
    services.assign_ticket(ticket, depot_engineer, by=dispatcher, now=now)
    dispatch_services.receive_unit(ticket, by=depot_engineer, now=now, condition="ok")
    return services.start_work(ticket, by=depot_engineer, now=now)


def test_another_depot_engineer_cannot_record_a_bench_test(api_client, on_bench):
    colleague = UserFactory(username="depot2", roles=["depot_engineer"])
    response = api_client(colleague).post(f"/api/depot/{on_bench.number}/tests/",
                                          {"kind": "fault", "result": "fault_confirmed"}, format="json")
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        dispatch_services.record_test(on_bench, by=colleague, now=on_bench.started_at, kind="fault",
                                      result="fault_confirmed")
    assert not BenchTest.objects.exists()


def test_a_depot_lead_and_the_assignee_may(on_bench, depot_engineer, now):
    lead = UserFactory(username="depotlead", roles=["depot_engineer"])
    lead.user_permissions.add(Permission.objects.get(codename="lead_depot"))
    dispatch_services.record_test(on_bench, by=depot_engineer, now=now, kind="fault", result="fault_confirmed")
    lead = type(lead).objects.get(pk=lead.pk)  # fresh permission cache
    dispatch_services.record_test(on_bench, by=lead, now=now, kind="post_repair", result="passed")
    assert BenchTest.objects.count() == 2


# --- item 8: engineers see their jobs' customers, on pages and in the API ----------------------

def test_engineers_list_only_their_jobs_customers(api_client, client, engineer, dispatcher, make_ticket, now):
    mine = make_ticket(now=now)
    services.assign_ticket(mine, engineer, by=dispatcher, now=now)
    stranger = ProductUnitFactory()
    rows = api_client(engineer).get("/api/customers/").data["results"]
    assert [r["id"] for r in rows] == [mine.customer_id]
    assert api_client(engineer).get(f"/api/customers/{stranger.customer_id}/").status_code == 404
    units = api_client(engineer).get("/api/units/").data["results"]
    assert [u["id"] for u in units] == [mine.unit_id]
    client.force_login(engineer)
    page = client.get("/tickets/customers/").content.decode()
    assert mine.customer.name in page and stranger.customer.name not in page
    assert client.get(f"/tickets/customers/{stranger.customer_id}/").status_code == 404
    assert client.get(f"/tickets/customers/{mine.customer_id}/").status_code == 200


def test_dispatchers_still_list_every_customer(api_client, dispatcher):
    ProductUnitFactory(), ProductUnitFactory()
    assert len(api_client(dispatcher).get("/api/customers/").data["results"]) == 2


# --- item 10: the schema and docs need a login --------------------------------------------------

@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_login(client, url, engineer):
    assert client.get(url).status_code in (302, 401, 403)
    client.force_login(engineer)
    assert client.get(url).status_code == 200


# --- item 11: no repository key in production, no demo logins by accident ----------------------

def _settings_import(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, capture_output=True,
                          text=True, env={**clean, "DJANGO_SETTINGS_MODULE": "aftersales.settings", **env}, timeout=120)


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _settings_import(DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_the_app_starts_with_a_secret_key():
    result = _settings_import(DEBUG="0", SECRET_KEY="k" * 60 + "-Zq9", ALLOWED_HOSTS="service.example.com")
    assert "SECRET_KEY is not set" not in result.stderr


def _manage(*args):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env=clean, timeout=120)


def test_read_only_commands_run_on_a_fresh_checkout_and_the_rest_still_need_a_key():
    """`manage.py check` / `makemigrations --check` with nothing set use the development
    settings; a command that writes (here `migrate`) still refuses without a key."""
    assert _manage("check").returncode == 0
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    result = _manage("migrate", "--plan")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_demo_forced_without_debug_makes_no_superuser(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(is_superuser=True).exists()
