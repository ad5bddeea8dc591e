"""SLA on the pages: countdowns on the list, clocks on the ticket page, escalations page."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tickets import escalations, services
from tickets.models import Escalation

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, tzinfo=SH)


@pytest.fixture
def escalated(make_ticket):
    ticket = make_ticket(now=MONDAY_9)
    escalations.sweep(now=datetime(2026, 11, 23, 13, 30, tzinfo=SH))  # warning + level 1
    return ticket


def test_list_shows_breached_countdown(client, dispatcher, escalated):
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_list")).content.decode()
    assert 'class="due due-breached"' in html and escalated.number in html


def test_breached_filter_on_the_list(client, dispatcher, escalated, make_ticket):
    fresh = make_ticket()
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_list"), {"breached": "true"}).content.decode()
    assert escalated.number in html and fresh.number not in html


def test_ticket_page_shows_clocks_with_outcomes(client, dispatcher, engineer, make_ticket):
    ticket = make_ticket(now=MONDAY_9)
    services.assign_ticket(ticket, engineer, by=dispatcher, now=datetime(2026, 11, 23, 14, tzinfo=SH))
    client.force_login(dispatcher)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "SLA clocks" in html and "clock-breached" in html  # response breached by 1 h
    assert "by 1h 00m" in html
    assert 'class="clock-completion"' in html


@pytest.mark.parametrize("role,code", [("supervisor", 200), ("manager", 200), ("dispatcher", 200),
                                       ("engineer", 403)])
def test_escalations_page_access(client, request, role, code, escalated):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("tickets:escalations")).status_code == code


def test_escalations_page_lists_open_ones_and_acknowledges(client, supervisor, escalated):
    client.force_login(supervisor)
    html = client.get(reverse("tickets:escalations")).content.decode()
    assert html.count("level-warning") == 1 and html.count("level-level_1") == 1
    level_1 = Escalation.objects.get(level="level_1")
    response = client.post(reverse("tickets:acknowledge_escalation", args=[level_1.pk]),
                           {"note": "Calling the customer", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:escalations")
    level_1.refresh_from_db()
    assert level_1.acknowledged_by == supervisor and level_1.note == "Calling the customer"
    html = client.get(reverse("tickets:escalations")).content.decode()
    assert "level-level_1" not in html  # no longer open
    assert "level-level_1" in client.get(reverse("tickets:escalations"), {"acknowledged": "true"}).content.decode()


def test_manager_may_see_but_not_acknowledge(client, manager, escalated):
    client.force_login(manager)
    warning = Escalation.objects.get(level="warning")
    assert client.post(reverse("tickets:acknowledge_escalation", args=[warning.pk])).status_code == 403
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_escalations_page_queries_are_constant(client, supervisor, make_ticket, django_assert_max_num_queries):
    make_ticket(now=MONDAY_9)
    escalations.sweep(now=datetime(2026, 11, 23, 13, 30, tzinfo=SH))
    client.force_login(supervisor)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("tickets:escalations"))
    for _ in range(10):
        make_ticket(now=MONDAY_9)
    escalations.sweep(now=datetime(2026, 11, 23, 13, 40, tzinfo=SH))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("tickets:escalations"))
