"""Reads: who sees which tickets, intake search, and the ticket FilterSet."""
from datetime import datetime, timezone as dt_timezone

import pytest

from staff import backends, roles
from tests.factories import CustomerFactory, CustomerPhoneFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import Status
from tickets.filtersets import TicketFilterSet
from tickets.models import Ticket
from tickets.selectors import search_customers, ticket_list, visible_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(engineer, other_engineer):
    return {
        "mine": TicketFactory(status=Status.DISPATCHED, assignee=engineer),
        "theirs": TicketFactory(status=Status.DISPATCHED, assignee=other_engineer),
        "unassigned": TicketFactory(),
    }


@pytest.mark.parametrize("role", [roles.AGENT, roles.DISPATCHER, roles.TECH_SUPPORT, roles.SPARES_ADMIN,
                                  roles.QUALITY, roles.SUPERVISOR, roles.MANAGER])
def test_office_roles_see_every_ticket(role, jobs):
    user = UserFactory(username=f"viewer-{role}", roles=[role])
    assert set(visible_tickets(user)) == set(jobs.values())


@pytest.mark.parametrize("role", [roles.ONSITE_ENGINEER, roles.DEPOT_ENGINEER])
def test_engineer_sees_only_own_jobs(role, jobs, engineer):
    if role == roles.DEPOT_ENGINEER:
        engineer = UserFactory(username="depot", roles=[role])
        jobs["mine"].assignee = engineer
        jobs["mine"].save()
    assert list(visible_tickets(engineer)) == [jobs["mine"]]


def test_user_without_a_role_sees_nothing(jobs):
    assert not visible_tickets(UserFactory(username="nobody")).exists()


def test_superuser_sees_everything(jobs):
    admin = UserFactory(username="root", is_superuser=True)
    assert visible_tickets(admin).count() == 3


def test_ticket_list_query_count_does_not_grow_with_rows(agent, engineer, django_assert_num_queries):
    def render_rows():
        return [(t.customer.name, t.unit.model.code, t.assignee and t.assignee.username, t.fault_code)
                for t in ticket_list(agent)]

    for _ in range(3):
        TicketFactory(status=Status.DISPATCHED, assignee=engineer)
    backends.invalidate()
    with django_assert_num_queries(2) as few:  # agent's permissions and roles (one query), then the list
        render_rows()
    for _ in range(10):
        TicketFactory(status=Status.DISPATCHED, assignee=engineer)
    agent = type(agent).objects.get(pk=agent.pk)  # drop the permission cache
    backends.invalidate()
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(render_rows()) == 13


@pytest.fixture
def zhang():
    customer = CustomerFactory(name="Zhang Wei")
    CustomerPhoneFactory(customer=customer, raw="+86 138-0013-8000")
    CustomerPhoneFactory(customer=customer, raw="(010) 6552-1234")
    ProductUnitFactory(customer=customer, serial_number="ABX-77812")
    return customer


@pytest.fixture
def li():
    customer = CustomerFactory(name="Li Na")
    CustomerPhoneFactory(customer=customer, raw="139 1111 2222")
    ProductUnitFactory(customer=customer, serial_number="ZQ-100")
    return customer


@pytest.mark.parametrize("term", ["138", "1380013", "138 0013", "138-0013-8", "13800138000", " 138 0013 8000 ",
                                  "+86 138 0013 8000", "+86 138 0013", "010 6552", "(010) 6552", "010-6552-1234"])
def test_search_byphone_prefix_however_typed(term, zhang, li):
    assert list(search_customers(term)) == [zhang]


@pytest.mark.parametrize("term", ["ABX", "abx-778", "ABX-77812"])
def test_search_by_serial_prefix(term, zhang, li):
    assert list(search_customers(term)) == [zhang]


def test_serial_matches_by_prefix_not_anywhere(zhang, li):
    assert list(search_customers("77812")) == []


@pytest.mark.parametrize("term", ["Zhang", "zhang wei", "wei"])
def test_search_by_name(term, zhang, li):
    assert list(search_customers(term)) == [zhang]


@pytest.mark.parametrize("term", ["", " ", "z", "1", None])
def test_search_needs_two_characters(term, zhang, li):
    assert list(search_customers(term)) == []


def test_search_is_limited(li):
    for n in range(12):
        CustomerFactory(name=f"Li Customer {n}")
    assert len(search_customers("Li", limit=5)) == 5


def filtered(data):
    return set(TicketFilterSet(data, queryset=Ticket.objects.all()).qs)


@pytest.fixture
def listed(zhang, li, engineer):
    return {
        "zhang": TicketFactory(number="SR-2026-000101", customer=zhang, unit=zhang.units.get(),
                               created_at=datetime(2026, 3, 1, 17, 0, tzinfo=dt_timezone.utc)),  # 2 Mar local
        "li": TicketFactory(number="SR-2026-000202", customer=li, unit=li.units.get(), status=Status.DISPATCHED,
                            assignee=engineer, created_at=datetime(2026, 3, 5, 2, 0, tzinfo=dt_timezone.utc)),
        "other": TicketFactory(number="SR-2025-000101", status=Status.CANCELLED,
                               created_at=datetime(2025, 12, 20, 2, 0, tzinfo=dt_timezone.utc)),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("SR-2026-000101", {"zhang"}),
        ("sr-2026-000202", {"li"}),
        ("SR-2026", {"zhang", "li"}),
        ("138 0013 8000", {"zhang"}),  # a phone matches whole (issue 12); intake matches prefixes
        ("+86 138-0013-8000", {"zhang"}),
        ("138 0013", set()),
        ("139-1111-2222", {"li"}),
        ("ZQ-1", {"li"}),
        ("abx", {"zhang"}),
        ("Li Na", {"li"}),
        ("", {"zhang", "li", "other"}),
    ],
)
def test_ticket_search_by_number_phone_serial_or_name(q, expected, listed):
    assert filtered({"q": q}) == {listed[key] for key in expected}


def test_status_filter_takes_several_values(listed):
    assert filtered({"status": [Status.NEW, Status.CANCELLED]}) == {listed["zhang"], listed["other"]}
    assert filtered({"status": [Status.DISPATCHED]}) == {listed["li"]}


def test_unassigned_filter(listed):
    assert filtered({"unassigned": "true"}) == {listed["zhang"], listed["other"]}


def test_assignee_filter(listed, engineer):
    assert filtered({"assignee": engineer.pk}) == {listed["li"]}


def test_date_range_uses_the_centers_local_date(listed):
    assert filtered({"created_after": "2026-03-02"}) == {listed["zhang"], listed["li"]}
    assert filtered({"created_after": "2026-03-03"}) == {listed["li"]}
    assert filtered({"created_before": "2026-03-01"}) == {listed["other"]}
    assert filtered({"created_after": "2026-03-02", "created_before": "2026-03-04"}) == {listed["zhang"]}


def test_invalid_filter_values_are_reported_not_crashing(listed):
    filterset = TicketFilterSet({"status": ["exploded"], "created_after": "yesterday"}, queryset=Ticket.objects.all())
    assert not filterset.is_valid()
    assert {"status", "created_after"} <= set(filterset.errors)
