"""The escalations page and API per ticket (issue 7 item 12, issue 12 item 5): one row
per ticket with the highest level first, acknowledge all at once, an index in the
page's order, no COUNT(*), and the managers' menu link."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.conftest import requires_postgres
from tickets import escalation_selectors, escalations
from tickets.escalation_selectors import grouped_page
from tickets.models import Escalation
from tickets.templatetags.ticket_ui import event_text

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, tzinfo=SH)
ACK = "/api/escalations/acknowledge-ticket/"


def sweep(hh, mm=0):
    return escalations.sweep(now=datetime(2026, 11, 23, hh, mm, tzinfo=SH))


@pytest.fixture
def two_overdue(make_ticket):
    """First: warning 12:00, level 1 13:00, level 2 17:00. Second (an hour later):
    warning 13:00, level 1 14:00 (its level 2 at 18:00 is not due yet)."""
    first = make_ticket(now=MONDAY_9)
    second = make_ticket(now=MONDAY_9 + timedelta(hours=1))
    sweep(12, 1)
    sweep(13, 1)
    sweep(14, 1)
    sweep(17, 1)
    return first, second


def rows_of(html, ticket):
    start = html.index(f">{ticket.number}</a>")
    return html[start:html.index("</tr>", start)]


def test_one_row_per_ticket_with_the_highest_level_first(client, supervisor, two_overdue):
    first, second = two_overdue
    client.force_login(supervisor)
    html = client.get(reverse("tickets:escalations")).content.decode()
    assert html.count(f">{first.number}</a>") == 1 and html.count(f">{second.number}</a>") == 1
    row = rows_of(html, first)
    assert row.index("level-level_2") < row.index("level-level_1") < row.index("level-warning")
    assert "Acknowledge all 3" in row
    # Newest escalation first: the first ticket's level 2 (17:00) is newer than the second's level 1.
    assert html.index(f">{first.number}</a>") < html.index(f">{second.number}</a>")


def test_acknowledge_all_of_a_ticket_at_once_on_the_page(client, supervisor, two_overdue):
    first, second = two_overdue
    client.force_login(supervisor)
    response = client.post(reverse("tickets:acknowledge_ticket_escalations", args=[first.number]),
                           {"note": "Sent a second engineer"})
    assert response.status_code == 302
    assert not Escalation.objects.filter(ticket=first, acknowledged_at__isnull=True).exists()
    assert set(Escalation.objects.filter(ticket=first).values_list("note", flat=True)) == {"Sent a second engineer"}
    assert Escalation.objects.filter(ticket=second, acknowledged_at__isnull=True).count() == 2
    event = first.events.get(data__acknowledged=True)
    assert event_text(event) == "Escalations acknowledged: Level 2, Level 1, Warning"
    assert event.message == "Sent a second engineer"
    with translation.override("zh-hans"):
        assert event_text(event).startswith("升级已确认")
    html = client.get(reverse("tickets:escalations")).content.decode()
    assert f">{first.number}</a>" not in html and f">{second.number}</a>" in html
    again = client.post(reverse("tickets:acknowledge_ticket_escalations", args=[first.number]), follow=True)
    assert "has no open escalation" in again.content.decode()


def test_acknowledge_all_through_the_api(api_client, supervisor, manager, two_overdue):
    first, _second = two_overdue
    assert api_client(manager).post(ACK, {"ticket": first.number}, format="json").status_code == 403
    response = api_client(supervisor).post(ACK, {"ticket": first.number, "note": "On it"}, format="json")
    assert response.status_code == 200, response.data
    assert [row["level"] for row in response.data] == ["level_2", "level_1", "warning"]
    assert all(row["acknowledged_by"]["id"] == supervisor.pk and row["note"] == "On it" for row in response.data)
    again = api_client(supervisor).post(ACK, {"ticket": first.number}, format="json")
    assert again.status_code == 409
    assert api_client(supervisor).post(ACK, {"ticket": "SR-1999-000001"}, format="json").status_code == 404
    assert api_client(supervisor).post(ACK, {}, format="json").status_code == 400
    long_note = api_client(supervisor).post(ACK, {"ticket": first.number, "note": "x" * 2001}, format="json")
    assert long_note.status_code == 400


def test_managers_have_the_escalations_link(client, manager, agent):
    client.force_login(manager)
    assert f'href="{reverse("tickets:escalations")}"' in client.get(reverse("staff:inbox")).content.decode()
    client.force_login(agent)
    assert f'href="{reverse("tickets:escalations")}"' not in client.get(reverse("staff:inbox")).content.decode()


def test_pages_by_cursor_without_counting_and_without_repeating_a_ticket(client, supervisor, make_ticket,
                                                                          monkeypatch):
    monkeypatch.setattr(escalation_selectors, "PAGE_TICKETS", 2)
    monkeypatch.setattr(escalation_selectors, "SCAN_ROWS", 2)  # several scan steps per page
    tickets = [make_ticket(now=MONDAY_9 + timedelta(minutes=10 * n)) for n in range(3)]
    sweep(13, 30)  # warning + level 1 for each: the newest ticket was created last
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as queries:
        first_page = client.get(reverse("tickets:escalations"), {"page_size": 2})
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "tickets_escalation" in q["sql"]]
    html = first_page.content.decode()
    assert tickets[2].number in html and tickets[1].number in html and tickets[0].number not in html
    older = first_page.context["next_id"]
    assert older
    html = client.get(reverse("tickets:escalations"), {"before": older}).content.decode()
    assert tickets[0].number in html and tickets[1].number not in html and tickets[2].number not in html
    assert "Older »" not in html and "« Newest" in html
    assert client.get(reverse("tickets:escalations"), {"before": "9" * 30}).status_code == 400  # strict ids


def test_grouped_page_skips_a_ticket_already_shown_on_a_newer_page(make_ticket):
    old, new = make_ticket(now=MONDAY_9), make_ticket(now=MONDAY_9 + timedelta(minutes=5))
    sweep(12, 10)  # warnings of both
    sweep(17, 10)  # level 1 (13:00 / 13:05) and level 2 (17:00 / 17:05)
    rows, next_id = grouped_page(Escalation.objects.all(), size=1, scan=1)
    assert [r.ticket for r in rows] == [new] and next_id
    position = escalation_selectors.position_of(next_id)
    rows, next_id = grouped_page(Escalation.objects.all(), before=position, size=1, scan=1)
    assert [r.ticket for r in rows] == [old] and next_id is None


def test_raised_dates_filter_by_local_days(api_client, supervisor, two_overdue):
    client = api_client(supervisor)
    assert len(client.get("/api/escalations/", {"raised_after": "2026-11-23"}).data["results"]) == 5
    assert client.get("/api/escalations/", {"raised_after": "2026-11-24"}).data["results"] == []
    assert len(client.get("/api/escalations/", {"raised_before": "2026-11-23"}).data["results"]) == 5
    assert client.get("/api/escalations/", {"raised_before": "2026-11-22"}).data["results"] == []


@requires_postgres
def test_the_page_query_walks_the_index_in_its_order(two_overdue):
    rows = Escalation.objects.filter(acknowledged_at__isnull=True).order_by("-raised_at", "-pk") \
        .values_list("ticket_id", "raised_at", "pk")[:300]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")  # a tiny table: show the choice
        plan = rows.explain()
        cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    assert "escalation_open_raised_idx" in plan and "Sort" not in plan


def test_filters_add_no_distinct(two_overdue):
    from tickets.filtersets_sla import EscalationFilterSet

    query = str(EscalationFilterSet({"level": ["level_2"], "clock": ["response"]},
                                    queryset=Escalation.objects.all()).qs.query)
    assert "DISTINCT" not in query
