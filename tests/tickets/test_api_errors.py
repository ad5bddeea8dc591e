"""The API's error mapping (aftersales.api.exception_handler) and garbage input: every
refusal is a 4xx with a message, never a 500."""
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.db import IntegrityError

from aftersales.api import exception_handler
from tests.factories import CustomerFactory, CustomerPhoneFactory
from tickets.exceptions import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from tickets.services import ReportIncomplete

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("exc, status, code", [
    (TransitionNotAllowed("nope"), 409, "transition_not_allowed"),
    (Conflict("taken"), 409, "conflict"),
    (InvalidInput("bad"), 400, "invalid"),
    (PermissionDenied("no"), 403, "permission_denied"),
])
def test_domain_errors_map_to_status_message_and_code(exc, status, code):
    response = exception_handler(exc, {})
    assert response.status_code == status
    assert response.data == {"detail": str(exc), "code": code}


def test_incomplete_report_is_400_with_a_message_per_field():
    exc = ReportIncomplete({"work_done": "Describe the work done.", "outcome": "Choose the outcome."})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data["work_done"] == ["Describe the work done."]
    assert response.data["outcome"] == ["Choose the outcome."]
    assert response.data["code"] == "report_incomplete"


def test_model_validation_is_400_per_field():
    exc = DjangoValidationError({"serial_number": ["Taken."], "__all__": ["Inconsistent."]})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data["serial_number"] == ["Taken."]
    assert response.data["non_field_errors"] == ["Inconsistent."]


def test_integrity_error_is_a_conflict_not_a_500():
    response = exception_handler(IntegrityError("duplicate key"), {})
    assert response.status_code == 409
    assert "duplicate" not in response.data["detail"]  # no database internals leak out


def intake_body(unit):
    return {"customer": unit.customer.pk, "unit": unit.pk, "channel": "phone", "category": "repair",
            "service_type": "onsite"}


@pytest.mark.parametrize("changes, field", [
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"category": "REPAIR"}, "category"),
    ({"service_type": None}, "service_type"),
    ({"priority": ["urgent"]}, "priority"),
    ({"customer": "abc"}, "customer"),
    ({"customer": 10**30}, "customer"),
    ({"customer": 999999}, "customer"),
    ({"unit": {"id": 1}}, "unit"),
    ({"fault_code": -5}, "fault_code"),
    ({"fault_description": "x" * 100_000}, "fault_description"),
    ({"fault_description": 42.5}, "fault_description"),  # a number is not text: the schema says string
])
def test_garbage_intake_is_refused_per_field(api_client, agent, unit, changes, field):
    response = api_client(agent).post("/api/tickets/", {**intake_body(unit), **changes}, format="json")
    if field is None:
        assert response.status_code == 201
    else:
        assert response.status_code == 400
        assert field in response.data


def test_form_encoded_intake_works_too(api_client, agent, unit):
    response = api_client(agent).post("/api/tickets/", intake_body(unit))
    assert response.status_code == 201


def test_customer_list_query_count_is_constant(api_client, agent, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(agent)
    for _ in range(3):
        CustomerPhoneFactory()
    client.get("/api/customers/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/customers/")
    for _ in range(40):
        CustomerPhoneFactory(customer=CustomerFactory())
    with django_assert_max_num_queries(len(few)):
        assert len(client.get("/api/customers/").data["results"]) == 43


@pytest.mark.skipif(
    "ENUM_NAME_OVERRIDES" not in settings.SPECTACULAR_SETTINGS,
    reason="needs SPECTACULAR_SETTINGS['ENUM_NAME_OVERRIDES'] (choice sets shared by several fields)",
)
def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/tickets/{number}/assign/" in (tmp_path / "schema.yml").read_text()
