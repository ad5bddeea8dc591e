"""Customers, product models and units through the API: who may read and write them,
the phone list, the proof-of-purchase upload, and per-field errors."""
import pytest
from rest_framework.test import APIClient
from django.core.files.uploadedfile import SimpleUploadedFile

from staff import roles
from tests.factories import (
    CustomerFactory, CustomerPhoneFactory, ProductLineFactory, ProductModelFactory, ProductUnitFactory, TicketFactory,
    UserFactory,
)
from tickets.models import Customer, ProductModel, ProductUnit

pytestmark = pytest.mark.django_db
CUSTOMERS, MODELS, UNITS = "/api/customers/", "/api/product-models/", "/api/units/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin-user", roles=[roles.ADMINISTRATOR])


# --- customers --------------------------------------------------------------------------

def test_agent_creates_customer_with_phones(api_client, agent):
    body = {"name": "  Wang Fang ", "phones": ["+86 138-0013-8000", "010 6552 9988"], "area": "suburban",
            "customer_type": "business", "is_vip": True}
    response = api_client(agent).post(CUSTOMERS, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["name"] == "Wang Fang"
    assert response.data["phones"] == [
        {"number": "13800138000", "raw": "+86 138-0013-8000", "label": ""},
        {"number": "01065529988", "raw": "010 6552 9988", "label": ""},
    ]
    assert (response.data["area"], response.data["is_vip"]) == ("suburban", True)


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 300}, "name"),
    ({"name": "A", "phones": "13800138000"}, "phones"),
    ({"name": "A", "phones": ["no digits"]}, "phones"),
    ({"name": "A", "phones": ["1" * 39]}, "phones"),
    ({"name": "A", "phones": [{"number": "138"}]}, "phones"),
    ({"name": "A", "phones": ["13800138000"] * 11}, "phones"),
    ({"name": "A", "area": "moon"}, "area"),
    ({"name": "A", "email": "not-an-email"}, "email"),
    ({"name": "A", "is_vip": "sometimes"}, "is_vip"),
    ({}, "name"),
])
def test_bad_customer_input_is_400_on_the_field(api_client, agent, body, field):
    response = api_client(agent).post(CUSTOMERS, body, format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not Customer.objects.exists()


@pytest.mark.parametrize("user", ["manager", "engineer", "quality", "spares_admin"])
def test_roles_without_intake_cannot_create_customers(api_client, user, request):
    response = api_client(request.getfixturevalue(user)).post(CUSTOMERS, {"name": "A"}, format="json")
    assert response.status_code == 403


def test_customer_list_and_phone_search(api_client, agent):
    wanted = CustomerPhoneFactory(raw="139 1111 2222").customer
    CustomerPhoneFactory(raw="137 0000 0000")
    client = api_client(agent)  # engineers see only their jobs' customers (tests/hardening/test_access.py)
    assert len(client.get(CUSTOMERS).data["results"]) == 2
    rows = client.get(CUSTOMERS, {"phone": "+86 13911112222"}).data["results"]
    assert [r["id"] for r in rows] == [wanted.pk]
    assert rows[0]["phones"][0]["number"] == "13911112222"


def test_customer_update_replaces_phones(api_client, dispatcher):
    customer = CustomerPhoneFactory(raw="13911112222").customer
    response = api_client(dispatcher).patch(f"{CUSTOMERS}{customer.pk}/",
                                            {"phones": ["13500000000"], "notes": "Call after 6pm"}, format="json")
    assert response.status_code == 200, response.data
    assert [p["number"] for p in response.data["phones"]] == ["13500000000"]
    assert response.data["notes"] == "Call after 6pm"
    assert response.data["name"] == customer.name


def test_customer_update_without_phones_keeps_them(api_client, agent):
    customer = CustomerPhoneFactory(raw="13911112222").customer
    response = api_client(agent).put(f"{CUSTOMERS}{customer.pk}/", {"name": "New name"}, format="json")
    assert response.status_code == 200
    assert (response.data["name"], len(response.data["phones"])) == ("New name", 1)


def test_spares_admin_cannot_edit_customers(api_client, spares_admin):
    customer = CustomerFactory(name="Old")
    response = api_client(spares_admin).patch(f"{CUSTOMERS}{customer.pk}/", {"name": "New"}, format="json")
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Old"


def test_customers_cannot_be_deleted(api_client, supervisor):
    customer = CustomerFactory()
    assert api_client(supervisor).delete(f"{CUSTOMERS}{customer.pk}/").status_code == 405
    assert Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize("pk", ["999999", "abc", str(10**25)])
def test_unknown_customer_is_404(api_client, agent, pk):
    assert api_client(agent).get(f"{CUSTOMERS}{pk}/").status_code == 404


# --- product models -------------------------------------------------------------------------

def test_every_role_reads_the_catalog(api_client, engineer):
    model = ProductModelFactory()
    response = api_client(engineer).get(MODELS)
    assert response.status_code == 200
    assert response.data["results"][0]["code"] == model.code
    assert response.data["results"][0]["product_line"] == model.product_line.code


def test_agent_cannot_add_product_models(api_client, agent):
    line = ProductLineFactory()
    response = api_client(agent).post(MODELS, {"code": "X1", "name": "X", "product_line": line.code}, format="json")
    assert response.status_code == 403


def test_administrator_adds_and_edits_product_models(api_client, administrator):
    line = ProductLineFactory()
    client = api_client(administrator)
    response = client.post(MODELS, {"code": "X1", "name": "X one", "product_line": line.code, "doa_days": 30},
                           format="json")
    assert response.status_code == 201, response.data
    assert (response.data["warranty_months"], response.data["doa_days"]) == (12, 30)
    pk = response.data["id"]
    assert client.patch(f"{MODELS}{pk}/", {"warranty_months": 24}, format="json").data["warranty_months"] == 24


@pytest.mark.parametrize("changes, field", [
    ({"code": "DUP"}, "code"),
    ({"product_line": "no-such-line"}, "product_line"),
    ({"warranty_months": -1}, "warranty_months"),
    ({"doa_days": "fifteen"}, "doa_days"),
    ({"warranty_months": 10**12}, "warranty_months"),
])
def test_bad_product_model_input_is_400(api_client, administrator, changes, field):
    ProductModelFactory(code="DUP")
    body = {"code": "NEW", "name": "N", "product_line": ProductLineFactory().code, **changes}
    response = api_client(administrator).post(MODELS, body, format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not ProductModel.objects.filter(name="N").exists()


# --- units -------------------------------------------------------------------------------

def unit_body(**changes):
    model, customer = ProductModelFactory(), CustomerFactory()
    return {"model": model.pk, "customer": customer.pk, "serial_number": "ab-123", "purchase_date": "2026-01-05",
            **changes}


def test_agent_registers_unit(api_client, agent):
    response = api_client(agent).post(UNITS, unit_body(invoice_number="INV-7"), format="json")
    assert response.status_code == 201, response.data
    unit = ProductUnit.objects.get(pk=response.data["id"])
    assert (unit.serial_number, unit.invoice_number) == ("ab-123", "INV-7")
    assert response.data["model_code"] == unit.model.code


def test_duplicate_serial_of_same_model_is_400_whatever_the_case(api_client, agent):
    existing = ProductUnitFactory(serial_number="AB-123")
    response = api_client(agent).post(UNITS, unit_body(model=existing.model_id), format="json")
    assert response.status_code == 400
    assert "serial_number" in response.data


@pytest.mark.parametrize("changes, field", [
    ({"model": 10**9}, "model"),
    ({"customer": "me"}, "customer"),
    ({"serial_number": ""}, "serial_number"),
    ({"serial_number": "s" * 200}, "serial_number"),
    ({"purchase_date": "05/01/2026"}, "purchase_date"),
    ({"purchase_date": "2026-02-30"}, "purchase_date"),
])
def test_bad_unit_input_is_400_on_the_field(api_client, agent, changes, field):
    response = api_client(agent).post(UNITS, unit_body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.data


def test_unit_with_proof_image_upload(api_client, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = unit_body(proof_image=SimpleUploadedFile("invoice.png", PNG, content_type="image/png"))
    response = api_client(agent).post(UNITS, body, format="multipart")
    assert response.status_code == 201, response.data
    unit = ProductUnit.objects.get()
    assert response.data["proof_image"] == f"http://testserver/api/units/{unit.pk}/proof/"
    assert unit.proof_image.read() == PNG
    download = api_client(agent).get(response.data["proof_image"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_proof_download_needs_the_view_permission(api_client, agent, engineer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = unit_body(proof_image=SimpleUploadedFile("invoice.png", PNG, content_type="image/png"))
    url = api_client(agent).post(UNITS, body, format="multipart").data["proof_image"]
    assert api_client(engineer).get(url).status_code in (403, 404)
    assert APIClient().get(url).status_code in (401, 403)
    unit = ProductUnit.objects.get()
    TicketFactory(unit=unit, customer=unit.customer, assignee=engineer, status="dispatched")
    assert api_client(engineer).get(url).status_code == 200  # now one of the engineer's jobs


@pytest.mark.parametrize("name, content", [("invoice.png", b"MZ\x90\x00 not a png"), ("invoice.exe", PNG)])
def test_proof_upload_of_wrong_type_is_400(api_client, agent, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    body = unit_body(proof_image=SimpleUploadedFile(name, content))
    response = api_client(agent).post(UNITS, body, format="multipart")
    assert response.status_code == 400
    assert "proof_image" in response.data
    assert not ProductUnit.objects.exists()


def test_oversized_proof_upload_is_400(api_client, agent, settings, tmp_path):
    settings.MEDIA_ROOT, settings.MAX_UPLOAD_BYTES = tmp_path, 1024
    body = unit_body(proof_image=SimpleUploadedFile("big.png", PNG + b"\x00" * 2048))
    response = api_client(agent).post(UNITS, body, format="multipart")
    assert response.status_code == 400
    assert "proof_image" in response.data


def test_spares_admin_verifies_proof(api_client, spares_admin):
    unit = ProductUnitFactory(proof_verified=False)
    response = api_client(spares_admin).patch(f"{UNITS}{unit.pk}/", {"proof_verified": True}, format="json")
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.proof_verified is True


def test_unit_update_to_a_taken_serial_is_400(api_client, agent):
    taken = ProductUnitFactory(serial_number="TAKEN")
    unit = ProductUnitFactory(model=taken.model)
    response = api_client(agent).patch(f"{UNITS}{unit.pk}/", {"serial_number": "taken"}, format="json")
    assert response.status_code == 400
    assert "serial_number" in response.data


@pytest.mark.parametrize("user", ["quality", "manager", "engineer"])
def test_read_only_roles_cannot_edit_units(api_client, user, request):
    unit = ProductUnitFactory(proof_verified=False)
    client = api_client(request.getfixturevalue(user))
    # Engineers see only the units of their own jobs (issue 8 item 8).
    assert client.get(f"{UNITS}{unit.pk}/").status_code == (404 if user == "engineer" else 200)
    assert client.patch(f"{UNITS}{unit.pk}/", {"proof_verified": True}, format="json").status_code == 403


def test_units_filter_by_serial_prefix(api_client, agent):
    wanted = ProductUnitFactory(serial_number="ZX-001")
    ProductUnitFactory(serial_number="AA-002")
    rows = api_client(agent).get(UNITS, {"serial_number": "zx"}).data["results"]
    assert [r["id"] for r in rows] == [wanted.pk]


@pytest.mark.parametrize("params", [{"customer": str(10**30)}, {"customer": "0"}, {"customer": "x"}])
def test_units_bad_customer_filter_is_400(api_client, agent, params):
    response = api_client(agent).get(UNITS, params)
    assert response.status_code == 400
    assert "customer" in response.data
