"""The ticket's service point (issue 11): the branch that handles it, a spares warehouse of
kind service point, set at intake (page and API), read back by the API and the ticket page,
filterable in the list API, and copied onto completions and stopped clocks for the reports."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spares.models import Warehouse, WarehouseKind
from tickets import services
from tickets.exceptions import InvalidFields
from tickets.models import Completion, SlaClock, Ticket

pytestmark = pytest.mark.django_db
TICKETS = "/api/tickets/"
NOT_A_POINT = "Choose a service point, not another kind of warehouse."


@pytest.fixture
def points():
    return (Warehouse.objects.create(code="SP-N", name="Service point North", kind=WarehouseKind.SERVICE_POINT),
            Warehouse.objects.create(code="SP-S", name="Service point South", kind=WarehouseKind.SERVICE_POINT))


@pytest.fixture
def head_office():
    return Warehouse.objects.create(code="HQ", name="Head office", kind=WarehouseKind.HEAD_OFFICE)


def _body(unit, **overrides):
    return {"customer": unit.customer.pk, "unit": unit.pk, "channel": "phone", "category": "repair",
            "service_type": "onsite", "fault_description": "No power", **overrides}


def test_api_intake_sets_the_service_point_and_reads_it_back(api_client, agent, unit, points):
    client = api_client(agent)
    response = client.post(TICKETS, _body(unit, service_point=points[1].pk), format="json")
    assert response.status_code == 201, response.data
    assert response.data["service_point"] == points[1].pk
    assert Ticket.objects.get(number=response.data["number"]).service_point == points[1]
    assert client.get(f"{TICKETS}{response.data['number']}/").data["service_point"] == points[1].pk


def test_api_intake_without_service_point_leaves_it_empty(api_client, agent, unit, points):
    response = api_client(agent).post(TICKETS, _body(unit), format="json")
    assert response.status_code == 201 and response.data["service_point"] is None


def test_api_refuses_a_warehouse_that_is_not_a_service_point(api_client, agent, unit, head_office):
    response = api_client(agent).post(TICKETS, _body(unit, service_point=head_office.pk), format="json")
    assert response.status_code == 400
    assert [str(m) for m in response.data["service_point"]] == [NOT_A_POINT]
    for garbage in (999999, "x", -1):
        response = api_client(agent).post(TICKETS, _body(unit, service_point=garbage), format="json")
        assert response.status_code == 400 and "service_point" in response.data, garbage
    assert not Ticket.objects.exists()


def test_service_refuses_a_warehouse_that_is_not_a_service_point(agent, unit, head_office, now):
    with pytest.raises(InvalidFields) as refused:
        services.create_ticket(by=agent, now=now, customer=unit.customer, unit=unit, channel="phone",
                               category="repair", service_type="onsite", service_point=head_office)
    assert refused.value.errors == {"service_point": NOT_A_POINT}


def test_intake_page_offers_the_service_points_and_sets_one(client, agent, unit, points, head_office):
    client.force_login(agent)
    page = client.get(reverse("tickets:intake")).content.decode()
    assert 'name="service_point"' in page and "Service point North" in page and "Head office" not in page
    data = {"customer": unit.customer.pk, "unit": unit.pk, "channel": "phone", "category": "repair",
            "service_type": "onsite", "priority": "normal", "fault_description": "No power",
            "service_point": points[0].pk}
    response = client.post(reverse("tickets:intake"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.service_point == points[0]
    # a head office is not among the choices: a form error, nothing written
    response = client.post(reverse("tickets:intake"), {**data, "service_point": head_office.pk,
                                                       "duplicate_reason": "second"})
    assert response.status_code in (200, 400) and "service_point" in response.context["form"].errors
    assert Ticket.objects.count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return ctx.captured_queries


def test_ticket_page_shows_the_service_point_without_another_query(client, dispatcher, make_ticket, points):
    plain = make_ticket()
    placed = make_ticket()
    Ticket.objects.filter(pk=placed.pk).update(service_point=points[0])
    client.force_login(dispatcher)
    client.get(reverse("tickets:ticket_detail", args=[plain.number]))  # the session's first request
    without = len(_queries(client, reverse("tickets:ticket_detail", args=[plain.number])))
    response = client.get(reverse("tickets:ticket_detail", args=[placed.number]))
    assert "Service point North" in response.content.decode()
    assert len(_queries(client, reverse("tickets:ticket_detail", args=[placed.number]))) == without


def test_list_api_filters_by_service_point(api_client, dispatcher, make_ticket, points):
    north, south = make_ticket(), make_ticket()
    Ticket.objects.filter(pk=north.pk).update(service_point=points[0])
    Ticket.objects.filter(pk=south.pk).update(service_point=points[1])
    client = api_client(dispatcher)
    rows = client.get(TICKETS, {"service_point": points[0].pk}).data["results"]
    assert [r["number"] for r in rows] == [north.number] and rows[0]["service_point"] == points[0].pk
    assert client.get(TICKETS, {"service_point": "x"}).status_code == 400


def test_service_point_is_copied_onto_completions_and_stopped_clocks(dispatcher, engineer, make_ticket, now,
                                                                      points):
    from datetime import timedelta

    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(service_point=points[1])
    ticket.refresh_from_db()
    ticket = services.assign_ticket(ticket, engineer, by=dispatcher, now=now)
    services.arrive(ticket, by=engineer, now=now + timedelta(minutes=30))
    services.complete(ticket, by=engineer, now=now + timedelta(hours=1), outcome="repaired",
                      work_done="Fixed", customer_confirmation="Signed")
    assert list(Completion.objects.filter(ticket=ticket).values_list("d_service_point", flat=True)) == [points[1].pk]
    stopped = SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=False)
    assert stopped.exists()
    assert set(stopped.values_list("d_service_point", flat=True)) == {points[1].pk}
