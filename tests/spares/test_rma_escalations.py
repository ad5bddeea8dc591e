"""RMA escalations on the supervisors' escalations page (issue 9): missed milestones, the
30-day top priority and the daily reminders sit next to the SLA clocks' escalations,
naming the RMA, the vendor and the milestone, with a link to the RMA; the page's query
count does not grow with the rows, and nothing counts all rows."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spares import services, sweep
from tickets import escalations as sla_escalations
from tickets import services as ticket_services
from tickets.models import Escalation

from .conftest import VendorFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def sh(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def at_vendor(make_ticket, dispatcher, engineer, spares_admin):
    """Units sent to vendors (ticket action, shipped at once) on Mon 11-02 10:00."""

    def make(name="Acme Repairs"):
        ticket = make_ticket(now=sh(11, 2, 9))
        ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=sh(11, 2, 9, 5))
        ticket_services.start_work(ticket, by=engineer, now=sh(11, 2, 9, 10))
        return services.send_to_vendor(ticket, vendor=VendorFactory(name=name), reason="Board dead",
                                       carrier="SF", tracking_number="SF1", by=spares_admin, now=sh(11, 2, 10))

    return make


def _page(client, query=""):
    client.get(reverse("tickets:escalations") + query)  # session and permissions cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tickets:escalations") + query)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def test_missed_milestone_and_reminders_are_on_the_escalations_page(client, supervisor, at_vendor):
    rma = at_vendor()
    sweep.sweep(now=sh(11, 5, 19))  # receipt (day 3) missed
    client.force_login(supervisor)
    html, _sql = _page(client)
    row = html[html.index(f">{rma.ticket.number}</a>"):]
    row = row[:row.index("</tr>")]
    assert f'href="{rma.get_absolute_url()}">{rma.number}</a>' in row
    assert "Acme Repairs" in row and "Vendor receipt confirmed" in row and "level-level_1" in row
    # 30 days: top priority, then a reminder each working day (Thu 12-03, Fri 12-04).
    for day in (2, 3, 4):
        sweep.sweep(now=sh(12, day, 19))
    html, _sql = _page(client, "?clock=rma")
    row = html[html.index(f">{rma.ticket.number}</a>"):]
    row = row[:row.index("</tr>")]
    assert "30 days unreturned" in row and "level-level_2" in row
    assert row.count("Daily reminder") == 1 and "Daily reminder ×2 (12-03 – 12-04)" in row  # collapsed
    assert Escalation.objects.filter(rma=rma).count() == 6  # receipt, day 7, day 15, day 30, 2 reminders


def test_page_queries_do_not_grow_with_rma_rows_and_nothing_is_counted(client, supervisor, at_vendor, make_ticket):
    at_vendor()
    make_ticket(now=sh(11, 2, 9))  # an SLA clock escalation too
    sla_escalations.sweep(now=sh(11, 5, 19))
    sweep.sweep(now=sh(11, 5, 19))
    client.force_login(supervisor)
    _html, few = _page(client)
    for n in range(4):
        at_vendor(name=f"Vendor {n}")
    sla_escalations.sweep(now=sh(11, 5, 19))
    sweep.sweep(now=sh(11, 5, 19))
    assert Escalation.objects.filter(rma__isnull=False).count() == 5
    html, many = _page(client)
    assert html.count("/spares/rma/") >= 5
    assert len(many) == len(few), many
    assert not [q for q in many if "COUNT(" in q.upper() and "tickets_escalation" in q]


def test_acknowledging_a_ticket_acknowledges_its_rma_escalations(client, supervisor, at_vendor):
    rma = at_vendor()
    sweep.sweep(now=sh(11, 9, 19))  # receipt and day 7 missed
    client.force_login(supervisor)
    client.post(reverse("tickets:acknowledge_ticket_escalations", args=[rma.ticket.number]),
                {"note": "Calling the vendor"})
    assert not Escalation.objects.filter(rma=rma, acknowledged_at__isnull=True).exists()


def test_api_names_the_rma_of_an_escalation(api_client, supervisor, at_vendor):
    rma = at_vendor()
    sweep.sweep(now=sh(11, 5, 19))
    rows = api_client(supervisor).get("/api/escalations/?clock=rma").data["results"]
    assert [(r["clock"], r["rma"]["number"], r["rma"]["vendor"], r["rma"]["milestone"], r["rma"]["url"])
            for r in rows] == [(None, rma.number, "Acme Repairs", "receipt", rma.get_absolute_url())]
    assert sweep.sweep(now=sh(11, 5, 19) + timedelta(minutes=1)) == (0, 0)
