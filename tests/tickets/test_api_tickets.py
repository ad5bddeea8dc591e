"""Ticket endpoints: intake, list (filters, cursor pages, query count), detail,
visibility per role, the timeline, authentication and the schema."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, FaultCodeFactory, ProductUnitFactory, TicketFactory
from tickets import choices, services

pytestmark = pytest.mark.django_db
TICKETS = "/api/tickets/"


def intake(product_unit, **overrides):
    body = {"customer": product_unit.customer.pk, "unit": product_unit.pk, "channel": "phone", "category": "repair",
            "service_type": "onsite", "fault_description": "No power"}
    body.update(overrides)
    return body


# --- intake -------------------------------------------------------------------------

def test_agent_creates_ticket_with_warranty_read_off_the_unit(api_client, agent, unit):
    response = api_client(agent).post(TICKETS, intake(unit, priority="urgent"), format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert body["number"].startswith("SR-")
    assert body["status"] == "new"
    assert body["priority"] == "urgent"
    assert body["warranty_status"] == "in_warranty"
    assert body["is_doa"] is False
    assert body["customer"] == {"id": unit.customer.pk, "name": unit.customer.name}
    assert body["unit"] == {"id": unit.pk, "serial_number": unit.serial_number, "model_code": unit.model.code}
    assert body["created_by"]["username"] == agent.username


def test_intake_marks_unit_bought_days_ago_as_doa(api_client, agent):
    from django.utils import timezone

    fresh = ProductUnitFactory(purchase_date=timezone.localdate() - timezone.timedelta(days=3))
    response = api_client(agent).post(TICKETS, intake(fresh), format="json")
    assert response.status_code == 201
    assert response.data["is_doa"] is True


def test_inquiry_needs_no_unit(api_client, agent, unit):
    response = api_client(agent).post(TICKETS, intake(unit, unit=None, category="inquiry"), format="json")
    assert response.status_code == 201
    assert response.data["unit"] is None


def test_repair_without_unit_is_refused_on_the_unit_field(api_client, agent, unit):
    response = api_client(agent).post(TICKETS, intake(unit, unit=None), format="json")
    assert response.status_code == 400
    assert "unit" in response.data


def test_unit_of_another_customer_is_refused(api_client, agent, unit):
    other = CustomerFactory()
    response = api_client(agent).post(TICKETS, intake(unit, customer=other.pk), format="json")
    assert response.status_code == 400
    assert "unit" in response.data


def test_empty_intake_lists_every_missing_field(api_client, agent):
    response = api_client(agent).post(TICKETS, {}, format="json")
    assert response.status_code == 400
    assert {"customer", "channel", "category", "service_type"} <= set(response.data)


@pytest.mark.parametrize("user", ["manager", "engineer", "tech_support", "quality"])
def test_roles_without_intake_cannot_create(api_client, unit, user, request):
    response = api_client(request.getfixturevalue(user)).post(TICKETS, intake(unit), format="json")
    assert response.status_code == 403


def test_fault_code_sets_the_fault_kind(api_client, agent, unit):
    code = FaultCodeFactory(kind=choices.FaultKind.SOFTWARE)
    response = api_client(agent).post(TICKETS, intake(unit, fault_code=code.pk), format="json")
    assert response.status_code == 201
    assert response.data["fault_kind"] == "software"
    assert response.data["fault_code"]["code"] == code.code


def test_tickets_have_no_generic_update(api_client, supervisor, make_ticket):
    ticket = make_ticket()
    client = api_client(supervisor)
    assert client.patch(f"{TICKETS}{ticket.number}/", {"status": "closed"}, format="json").status_code == 405
    assert client.delete(f"{TICKETS}{ticket.number}/").status_code == 405
    ticket.refresh_from_db()
    assert ticket.status == "new"


# --- list, detail, visibility --------------------------------------------------------

def test_engineer_lists_only_own_jobs(api_client, engineer, other_engineer, dispatcher, make_ticket, now):
    mine, theirs = make_ticket(), make_ticket()
    make_ticket()  # unassigned
    services.assign_ticket(mine, engineer, by=dispatcher, now=now)
    services.assign_ticket(theirs, other_engineer, by=dispatcher, now=now)
    response = api_client(engineer).get(TICKETS)
    assert response.status_code == 200
    assert [row["number"] for row in response.data["results"]] == [mine.number]


def test_engineer_gets_404_for_someone_elses_ticket(api_client, engineer, other_engineer, dispatcher,
                                                     make_ticket, now):
    theirs = make_ticket()
    services.assign_ticket(theirs, other_engineer, by=dispatcher, now=now)
    assert api_client(engineer).get(f"{TICKETS}{theirs.number}/").status_code == 404
    assert api_client(other_engineer).get(f"{TICKETS}{theirs.number}/").status_code == 200


@pytest.mark.parametrize("user", ["agent", "dispatcher", "tech_support", "spares_admin", "quality",
                                  "supervisor", "manager"])
def test_roles_that_see_all_retrieve_any_ticket(api_client, make_ticket, user, request):
    ticket = make_ticket()
    response = api_client(request.getfixturevalue(user)).get(f"{TICKETS}{ticket.number}/")
    assert response.status_code == 200
    assert response.data["number"] == ticket.number


def test_detail_shows_assignee_and_milestones(api_client, dispatcher, engineer, make_ticket, now):
    ticket = services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    body = api_client(dispatcher).get(f"{TICKETS}{ticket.number}/").data
    assert body["assignee"] == {"id": engineer.pk, "username": engineer.username,
                                "full_name": engineer.get_full_name()}
    assert body["status"] == "dispatched"
    assert body["assigned_at"] is not None and body["first_assigned_at"] is not None
    assert body["arrived_at"] is None
    assert body["service_report"] is None


def test_unknown_ticket_number_is_404(api_client, agent):
    assert api_client(agent).get(f"{TICKETS}SR-1999-000001/").status_code == 404


def test_list_filters_by_status_and_search(api_client, agent, dispatcher, engineer, make_ticket, now):
    dispatched = services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    new = make_ticket()
    client = api_client(agent)
    rows = client.get(TICKETS, {"status": "dispatched"}).data["results"]
    assert [r["number"] for r in rows] == [dispatched.number]
    rows = client.get(TICKETS, {"q": new.number}).data["results"]
    assert [r["number"] for r in rows] == [new.number]
    rows = client.get(TICKETS, {"unassigned": "true"}).data["results"]
    assert [r["number"] for r in rows] == [new.number]


@pytest.mark.parametrize("params, field", [
    ({"status": "lost"}, "status"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"customer": "abc"}, "customer"),
    ({"customer": str(10**30)}, "customer"),  # beyond any database integer: 400, not 500
    ({"assignee": "999999"}, "assignee"),
])
def test_bad_filters_are_400_naming_the_filter(api_client, agent, params, field):
    response = api_client(agent).get(TICKETS, params)
    assert response.status_code == 400
    assert field in response.data


def test_garbage_cursor_is_not_a_server_error(api_client, agent, make_ticket):
    make_ticket()
    assert api_client(agent).get(TICKETS, {"cursor": "%%%garbage"}).status_code == 404


def test_cursor_pages_are_stable_while_tickets_arrive(api_client, agent, make_ticket):
    created = [make_ticket().number for _ in range(7)]
    client = api_client(agent)
    first = client.get(TICKETS, {"page_size": 3}).data
    assert first["next"] and first["previous"] is None
    make_ticket()  # arrives between page loads: must not shift the later pages
    second = client.get(first["next"]).data
    third = client.get(second["next"]).data
    seen = [r["number"] for page in (first, second, third) for r in page["results"]]
    assert seen == list(reversed(created))
    assert third["next"] is None


def _list_query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TICKETS).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_tickets(api_client, dispatcher, engineer,
                                                     django_assert_max_num_queries):
    def tickets(n):
        for _ in range(n):
            TicketFactory(assignee=engineer, status="dispatched", fault_code=FaultCodeFactory())

    client = api_client(dispatcher)
    tickets(5)
    _list_query_count(client)  # warm the user's permission cache
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(TICKETS).data["results"]
    assert len(rows) == 5
    tickets(55)
    with django_assert_max_num_queries(len(queries)):
        rows = client.get(TICKETS).data["results"]
    assert len(rows) == 50


# --- the timeline --------------------------------------------------------------------

def test_events_are_the_timeline_in_order(api_client, dispatcher, engineer, make_ticket, now):
    ticket = services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    client = api_client(engineer)
    assert client.post(f"{TICKETS}{ticket.number}/arrive/", {}, format="json").status_code == 200
    assert client.post(f"{TICKETS}{ticket.number}/notes/", {"message": "Fuse replaced"},
                       format="json").status_code == 200
    events = client.get(f"{TICKETS}{ticket.number}/events/").data
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in events] == [
        ("created", "", "new"),
        ("status_change", "new", "dispatched"),
        ("assignment", "", ""),
        ("status_change", "dispatched", "in_progress"),
        ("note", "", ""),
    ]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert events[-1]["message"] == "Fuse replaced"
    assert events[-1]["actor"]["username"] == engineer.username


def test_events_of_someone_elses_ticket_are_404(api_client, other_engineer, make_ticket):
    ticket = make_ticket()
    assert api_client(other_engineer).get(f"{TICKETS}{ticket.number}/events/").status_code == 404


# --- authentication and schema -------------------------------------------------------

def test_unauthenticated_requests_are_refused(make_ticket):
    ticket = make_ticket()
    client = APIClient()
    assert client.get(TICKETS).status_code in (401, 403)
    assert client.post(f"{TICKETS}{ticket.number}/cancel/", {"reason": "x"}, format="json").status_code in (401, 403)
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_token_authentication(agent, make_ticket):
    make_ticket()
    client = APIClient()
    refused = client.post("/api/auth/token/", {"username": "agent", "password": "wrong"}, format="json")
    assert refused.status_code == 400
    token = client.post("/api/auth/token/", {"username": "agent", "password": "pass-word-123"},
                        format="json").data["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(TICKETS)
    assert response.status_code == 200
    assert len(response.data["results"]) == 1
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(TICKETS).status_code in (401, 403)


def test_schema_endpoint_serves_a_valid_openapi_document(api_client, agent):
    from drf_spectacular.validation import validate_schema
    import yaml

    response = api_client(agent).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    complete = schema["paths"]["/api/tickets/{number}/complete/"]["post"]
    assert complete["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CompleteRequest")
    assert "409" in complete["responses"]


def test_docs_page_is_served(client, agent):
    client.force_login(agent)
    assert client.get("/api/docs/").status_code == 200
