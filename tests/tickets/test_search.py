"""Search (issue 12): each kind of term through its own index, combined with UNION, the
same for the ticket list, the API and intake; list filters without DISTINCT and with
local-day ranges on created_at."""
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import requires_postgres
from tests.factories import CustomerFactory, CustomerPhoneFactory, ProductUnitFactory, TicketFactory
from tickets import search
from tickets.choices import OPEN_STATUSES, Status
from tickets.filtersets import TicketFilterSet
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    wang = CustomerFactory(name="王秀英")
    CustomerPhoneFactory(customer=wang, raw="138 0013 8000")
    wang_unit = ProductUnitFactory(customer=wang, serial_number="9f79d0141555")
    zhang = CustomerFactory(name="Zhang Wei Trading")
    CustomerPhoneFactory(customer=zhang, raw="021 6552 1234")
    zhang_unit = ProductUnitFactory(customer=zhang, serial_number="ABC-0001")
    li = CustomerFactory(name="Wang Li")  # "Li" inside, not at the start
    CustomerPhoneFactory(customer=li, raw="139 0013 8000")
    li_unit = ProductUnitFactory(customer=li, serial_number="XABC-77")
    return {
        "wang": TicketFactory(number="SR-2026-000123", customer=wang, unit=wang_unit, legacy_ref="LG2401-0000042"),
        "zhang": TicketFactory(number="SR-2026-000124", customer=zhang, unit=zhang_unit),
        "li": TicketFactory(number="SR-2025-000123", customer=li, unit=li_unit, legacy_ref="OLD-77"),
    }


def found(term):
    return {t.number for t in search.filter_tickets(Ticket.objects.all(), term)}


@pytest.mark.parametrize(("term", "expected"), [
    ("13800138000", {"SR-2026-000123"}),  # phone: exactly, however typed
    ("+86 138-0013-8000", {"SR-2026-000123"}),
    ("(021) 6552-1234", {"SR-2026-000124"}),
    ("1380013", set()),  # a part of a phone is not a phone on the list
    ("SR-2026-000123", {"SR-2026-000123"}),  # number: exactly or by prefix, any case
    ("sr-2026-00012", {"SR-2026-000123", "SR-2026-000124"}),
    ("SR-2025", {"SR-2025-000123"}),
    ("lg2401-00000", {"SR-2026-000123"}),  # legacy reference: exactly or by prefix, any case
    ("OLD-77", {"SR-2025-000123"}),
    ("9F79D", {"SR-2026-000123"}),  # serial: by prefix, any case, not inside
    ("abc", {"SR-2026-000124"}),
    ("0001", set()),
    ("秀英", set()),  # two characters: the start of a name
    ("王秀", {"SR-2026-000123"}),
    ("王秀英", {"SR-2026-000123"}),  # three or more: anywhere in the name, any case
    ("wei trad", {"SR-2026-000124"}),
    ("Li", set()),
    ("wang", {"SR-2025-000123"}),
    ("nobody here", set()),
    ("x", set()),  # one character finds nothing
])
def test_each_kind_of_term(term, expected, people):
    assert found(term) == expected


def test_a_term_matching_several_kinds_finds_all_of_them(people):
    other = CustomerFactory(name="ABC Logistics")
    ticket = TicketFactory(customer=other)
    assert found("abc") == {"SR-2026-000124", ticket.number}  # a serial prefix and a name


def test_list_api_and_intake_share_the_search(people, api_client, dispatcher, agent, client):
    api = api_client(dispatcher).get("/api/tickets/", {"q": "+86 138 0013 8000"}).json()
    assert [row["number"] for row in api["results"]] == ["SR-2026-000123"]
    client.force_login(dispatcher)
    page = client.get("/tickets/", {"q": "王秀英"})
    assert [t.number for t in page.context["tickets"]] == ["SR-2026-000123"]
    client.force_login(agent)
    results = client.get("/tickets/new/search/", {"q": "138 001"}).context["results"]
    assert [c.name for c in results] == ["王秀英"]  # intake: a phone by prefix, as typed


def test_search_is_one_statement(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(search.filter_tickets(Ticket.objects.all(), "13800138000"))
    with django_assert_num_queries(1):
        list(search.search_customers("王秀"))


def _sql(data):
    qs = TicketFilterSet(data, queryset=Ticket.objects.all()).qs
    return str(qs.query).upper()


def test_choice_filters_add_no_distinct(people):
    assert "DISTINCT" not in _sql({"status": list(OPEN_STATUSES), "priority": ["normal", "urgent"],
                                   "category": ["repair"], "service_type": ["onsite"]})


def test_date_filters_are_ranges_on_created_at_not_a_cast(people):
    sql = _sql({"created_after": "2026-03-02", "created_before": "2026-03-04"})
    assert "CAST_DATE" not in sql and "::DATE" not in sql and "AT TIME ZONE" not in sql
    assert '"CREATED_AT" >=' in sql and '"CREATED_AT" <' in sql


def test_date_range_edges_are_local_midnight():
    shanghai_midnight = datetime(2026, 3, 1, 16, 0, tzinfo=dt_timezone.utc)  # 2 Mar 00:00 in Shanghai
    before = TicketFactory(created_at=shanghai_midnight - timedelta(microseconds=1))
    at = TicketFactory(created_at=shanghai_midnight)
    qs = TicketFilterSet({"created_after": "2026-03-02", "created_before": "2026-03-02"},
                         queryset=Ticket.objects.all()).qs
    assert list(qs) == [at]
    qs = TicketFilterSet({"created_before": "2026-03-01"}, queryset=Ticket.objects.all()).qs
    assert list(qs) == [before]


def test_date_range_starts_at_its_newest_ticket_whatever_the_order_of_entry():
    """The list walks newest first from the range's newest id (not from the newest ticket):
    exact also when tickets were entered out of date order (a legacy import, back-dated)."""
    midnight = datetime(2026, 3, 1, 16, 0, tzinfo=dt_timezone.utc)  # 2 Mar 00:00 in Shanghai
    in_range = TicketFactory(created_at=midnight + timedelta(hours=1))
    later = TicketFactory(created_at=midnight + timedelta(days=5))
    back_dated = TicketFactory(created_at=midnight + timedelta(hours=2))  # newest id, in the range
    qs = TicketFilterSet({"created_after": "2026-03-02", "created_before": "2026-03-02"},
                         queryset=Ticket.objects.order_by("-id")).qs
    assert list(qs) == [back_dated, in_range]
    assert list(TicketFilterSet({"created_after": "2026-03-03"}, queryset=Ticket.objects.all()).qs) == [later]
    assert not TicketFilterSet({"created_before": "2026-02-01"}, queryset=Ticket.objects.all()).qs.exists()
    assert "MAX(ID + 0)" in _sql({"created_after": "2026-03-02"})


def _plan(qs):
    """EXPLAIN with scans that walk a whole table or index priced out: what is left
    are lookups an index condition can serve."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@requires_postgres
@pytest.mark.parametrize(("term", "index"), [
    ("13800138000", "_number_"),  # phone_number_pattern_idx or the plain index on number
    ("王秀英", "customer_name_trgm_idx"),
    ("9F79D", "unit_serial_pattern_idx"),
    ("LG2401", "ticket_legacy_pattern_idx"),
])
def test_each_kind_of_term_has_an_index_on_postgres(term, index, people):
    plan = _plan(search.filter_tickets(Ticket.objects.all(), term).order_by("-id")[:50])
    assert index in plan, plan


@requires_postgres
@pytest.mark.parametrize(("term", "index"), [("SR-2026-0001", "ticket_number_pattern_idx"),
                                             ("1380013", "phone_number_pattern_idx"),
                                             ("王秀", "customer_name_trgm_idx")])
def test_prefix_lookups_have_an_index_on_postgres(term, index, people):
    qs = (search.filter_tickets(Ticket.objects.all(), term) if term.startswith("SR")
          else search.search_customers(term))
    assert index in _plan(qs)


def test_open_status_list_query(people):
    """The five open statuses: one IN condition, served by ticket_open_idx on PostgreSQL."""
    TicketFactory(status=Status.CANCELLED)
    with CaptureQueriesContext(connection) as queries:
        rows = list(TicketFilterSet({"status": list(OPEN_STATUSES)}, queryset=Ticket.objects.all()).qs)
    assert len(rows) == 3 and len(queries) == 1
