"""Escalations endpoint: who may see and acknowledge, what a row shows, the filters,
cursor pages, and a query count that does not grow with the rows. Escalations are
raised by the real sweep at fixed instants (default policy: Mon–Fri 09:00–18:00
Asia/Shanghai; 2026-11-23 is a Monday)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import escalations
from tickets.models import Escalation, EscalationLevel, TicketEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = "/api/escalations/"


def sh(d, hh, mm=0):
    return datetime(2026, 11, d, hh, mm, tzinfo=SH)


@pytest.fixture
def monday_ticket(make_ticket):
    return make_ticket(now=sh(23, 9))


@pytest.fixture
def breached(monday_ticket, supervisor):
    """Unassigned since 09:00: warned at 12:00, level 1 at 13:00 (response clock)."""
    escalations.sweep(now=sh(23, 12))
    escalations.sweep(now=sh(23, 13))
    return Escalation.objects.get(ticket=monday_ticket, level=EscalationLevel.LEVEL_1)


def ack_url(escalation):
    return f"{URL}{escalation.pk}/acknowledge/"


# --- access --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["agent", "supervisor", "manager", "dispatcher"])
def test_roles_with_view_escalation_list_them(api_client, breached, role, request):
    response = api_client(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    assert [row["level"] for row in response.data["results"]] == ["level_1", "warning"]


@pytest.mark.parametrize("role", ["engineer", "depot_engineer"])
def test_engineers_cannot_see_escalations(api_client, breached, role, request):
    client = api_client(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{breached.pk}/").status_code == 403


def test_unknown_escalation_is_404(api_client, supervisor, breached):
    assert api_client(supervisor).get(f"{URL}{breached.pk + 999}/").status_code == 404
    assert api_client(supervisor).post(f"{URL}{breached.pk + 999}/acknowledge/").status_code == 404


# --- representation ------------------------------------------------------------------

def test_row_shows_ticket_clock_level_and_times(api_client, supervisor, breached, monday_ticket):
    row = api_client(supervisor).get(f"{URL}{breached.pk}/").data
    assert row["ticket"] == monday_ticket.number
    assert row["level"] == "level_1"
    assert row["clock"]["kind"] == "response"
    assert row["clock"]["outcome"] == ""
    assert row["clock"]["stopped_at"] is None
    assert datetime.fromisoformat(row["clock"]["due_at"]) == sh(23, 13)
    assert datetime.fromisoformat(row["due_at"]) == sh(23, 13)
    assert datetime.fromisoformat(row["raised_at"]) == sh(23, 13)
    assert row["acknowledged_by"] is None and row["acknowledged_at"] is None


# --- acknowledge -----------------------------------------------------------------------

def test_supervisor_acknowledges_with_a_note(api_client, supervisor, breached):
    response = api_client(supervisor).post(ack_url(breached), {"note": "  Calling the customer  "}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["acknowledged_by"] == {"id": supervisor.pk, "username": supervisor.username,
                                                "full_name": supervisor.get_full_name()}
    assert response.data["acknowledged_at"] is not None
    assert response.data["note"] == "Calling the customer"
    assert TicketEvent.objects.filter(data__escalation=breached.pk, data__acknowledged=True).count() == 1


def test_acknowledging_twice_is_a_conflict(api_client, supervisor, breached):
    client = api_client(supervisor)
    assert client.post(ack_url(breached), {}, format="json").status_code == 200
    second = client.post(ack_url(breached), {"note": "again"}, format="json")
    assert second.status_code == 409
    assert second.data["code"] == "transition_not_allowed"
    breached.refresh_from_db()
    assert breached.note == ""


@pytest.mark.parametrize("role", ["agent", "manager", "dispatcher"])
def test_roles_without_acknowledge_permission_get_403(api_client, breached, role, request):
    response = api_client(request.getfixturevalue(role)).post(ack_url(breached), {}, format="json")
    assert response.status_code == 403
    breached.refresh_from_db()
    assert breached.acknowledged_at is None


def test_overlong_note_is_400_on_the_field(api_client, supervisor, breached):
    response = api_client(supervisor).post(ack_url(breached), {"note": "x" * 2001}, format="json")
    assert response.status_code == 400
    assert "note" in response.data
    breached.refresh_from_db()
    assert breached.acknowledged_at is None


# --- filters and pages -----------------------------------------------------------------

def test_open_ones_filter_and_level_filter(api_client, supervisor, breached, make_ticket):
    other = make_ticket(now=sh(23, 10))
    escalations.sweep(now=sh(23, 14))  # other's warning (13:00) and level 1 (14:00)
    client = api_client(supervisor)
    client.post(ack_url(breached), {}, format="json")
    open_ones = client.get(URL, {"acknowledged": "false"}).data["results"]
    assert breached.pk not in [row["id"] for row in open_ones]
    assert len(open_ones) == 3
    done = client.get(URL, {"acknowledged": "true"}).data["results"]
    assert [row["id"] for row in done] == [breached.pk]
    level_1 = client.get(URL, {"level": "level_1", "ticket": other.number}).data["results"]
    assert [(row["ticket"], row["level"]) for row in level_1] == [(other.number, "level_1")]


@pytest.mark.parametrize("params", [{"level": "level_9"}, {"clock": "nap"}, {"raised_after": "someday"}])
def test_bad_filters_are_400_naming_the_filter(api_client, supervisor, breached, params):
    response = api_client(supervisor).get(URL, params)
    assert response.status_code == 400
    assert set(params) <= set(response.data)


def test_cursor_pages_newest_first_without_overlap(api_client, supervisor, make_ticket):
    for hour in (9, 10, 11):
        make_ticket(now=sh(23, hour))
    escalations.sweep(now=sh(25, 9))  # every level of the three response clocks
    client = api_client(supervisor)
    first = client.get(URL, {"page_size": 5}).data
    second = client.get(first["next"]).data
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(ids) == 9 == len(set(ids))
    assert ids == sorted(ids, reverse=True)


def _raise_escalations(make_ticket, tickets):
    for _ in range(tickets):
        make_ticket(now=sh(23, 9))
    escalations.sweep(now=sh(24, 9))  # warning, level 1 and level 2 per ticket


def test_list_query_count_does_not_grow(api_client, supervisor, make_ticket, django_assert_max_num_queries):
    client = api_client(supervisor)
    _raise_escalations(make_ticket, 1)
    for escalation in Escalation.objects.all():
        escalations.acknowledge(escalation, by=supervisor, now=sh(24, 10))
    client.get(URL)  # warm the permission cache
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL).data["results"]) == 3
    _raise_escalations(make_ticket, 9)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(URL).data["results"]) == 30
