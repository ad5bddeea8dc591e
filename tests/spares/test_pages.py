"""The spare-parts pages: who may open them, the forms, the lists and the CSV export."""
from datetime import timedelta

import pytest
from django.urls import reverse

from spares import services
from spares.models import MoveKind, Rma, StockBalance, StockMove
from tickets import services as ticket_services

from .conftest import PartFactory, VendorFactory, WarehouseFactory

pytestmark = pytest.mark.django_db
PAGES = ["spares:stock", "spares:moves", "spares:rma_list", "spares:lists", "spares:forecast"]


@pytest.mark.parametrize("name", PAGES)
def test_spares_desk_opens_every_page_and_agents_do_not(client, spares_admin, agent, name):
    client.force_login(spares_admin)
    assert client.get(reverse(name)).status_code == 200
    client.force_login(agent)
    assert client.get(reverse(name)).status_code == 403


def test_move_forms_book_receipt_transfer_and_stocktake(client, spares_admin):
    part, a, b = PartFactory(), WarehouseFactory(), WarehouseFactory()
    client.force_login(spares_admin)
    for kind in ("receipt", "transfer", "stocktake"):
        assert client.get(reverse("spares:move_form", args=[kind])).status_code == 200
    client.post(reverse("spares:move_form", args=["receipt"]), {"part": part.pk, "warehouse": a.pk, "quantity": 5})
    client.post(reverse("spares:move_form", args=["transfer"]), {"part": part.pk, "from_warehouse": a.pk,
                                                                  "warehouse": b.pk, "quantity": 2,
                                                                  "condition": "good"})
    client.post(reverse("spares:move_form", args=["stocktake"]), {"part": part.pk, "warehouse": b.pk, "counted": 1,
                                                                   "condition": "good"})
    assert StockBalance.objects.get(part=part, warehouse=a).quantity == 3
    assert StockBalance.objects.get(part=part, warehouse=b).quantity == 1
    too_many = client.post(reverse("spares:move_form", args=["transfer"]), {
        "part": part.pk, "from_warehouse": a.pk, "warehouse": b.pk, "quantity": 9, "condition": "good"})
    assert too_many.status_code == 400 and "Only 3" in too_many.content.decode()
    moves = client.get(reverse("spares:moves") + f"?part={part.pk}&kind=transfer").content.decode()
    assert moves.count("<tr>") >= 2


def test_bad_filters_and_forms_are_not_500(client, spares_admin):
    client.force_login(spares_admin)
    assert client.get(reverse("spares:moves") + "?part=abc&date_from=never").status_code == 200
    assert client.get(reverse("spares:moves") + "?before=x").status_code == 400  # strict ids (hardening)
    assert client.post(reverse("spares:move_form", args=["receipt"]), {"quantity": "-1"}).status_code == 400
    assert client.get(reverse("spares:move_form", args=["steal"])).status_code == 403
    assert client.get(reverse("spares:stock") + "?warehouse=zzz").status_code == 400  # strict ids (hardening)


def test_engineers_see_stock_but_cannot_book(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("spares:stock")).status_code == 200
    assert client.get(reverse("spares:move_form", args=["receipt"])).status_code == 403


def test_rma_pages_open_ship_and_complete_a_milestone(client, spares_admin, make_ticket, dispatcher, engineer, now):
    ticket = ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now - timedelta(hours=1))
    ticket_services.arrive(ticket, by=engineer, now=now - timedelta(minutes=30))
    vendor = VendorFactory(name="Acme Repairs")
    client.force_login(spares_admin)
    response = client.post(reverse("spares:rma_create"), {"ticket": ticket.number, "vendor": vendor.pk,
                                                          "reason": "Dead board"})
    rma = Rma.objects.get()
    assert response.url == rma.get_absolute_url()
    client.post(reverse("spares:rma_action", args=[rma.pk, "ship"]), {"carrier": "SF", "tracking_number": "T1"})
    client.post(reverse("spares:rma_action", args=[rma.pk, "milestone"]), {"kind": "receipt", "note": "Got it"})
    page = client.get(rma.get_absolute_url()).content.decode()
    assert "Got it" in page and "T1" in page
    listing = client.get(reverse("spares:rma_list")).content.decode()
    assert rma.number in listing and "7-day follow-up" in listing
    vendor_page = client.get(vendor.get_absolute_url()).content.decode()
    assert rma.number in vendor_page
    unknown = client.post(reverse("spares:rma_create"), {"ticket": "SR-0-0", "vendor": vendor.pk, "reason": "x"})
    assert unknown.status_code == 400


def test_lists_and_forecast_csv(client, spares_admin, make_ticket, now):
    slow, used = PartFactory(part_number="SLOW-1", reorder_point=0), PartFactory(part_number="USED-1",
                                                                                  reorder_point=10)
    place = WarehouseFactory()
    services.receive_stock(part=slow, warehouse=place, quantity=4, by=spares_admin, now=now)
    services.receive_stock(part=used, warehouse=place, quantity=4, by=spares_admin, now=now)
    services.apply_move(kind=MoveKind.ISSUE, part=used, quantity=3, from_warehouse=place, ticket=make_ticket(),
                        by=spares_admin, now=now)
    client.force_login(spares_admin)
    page = client.get(reverse("spares:lists")).content.decode()
    below = page.split('id="below-reorder"')[1].split("</section>")[0]
    slow_section = page.split('id="slow-moving"')[1].split("</section>")[0]
    assert "USED-1" in below and "SLOW-1" not in below
    assert "SLOW-1" in slow_section and "50.00" in slow_section and "USED-1" not in slow_section
    csv = client.get(reverse("spares:forecast") + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().strip().splitlines()
    assert lines[1].startswith("USED-1") and lines[1].endswith("37.50")


def test_abnormal_usage_flags_an_engineer_far_above_his_rate(spares_admin, make_ticket, engineer, dispatcher, now):
    from spares import selectors

    part, place = PartFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=50, by=spares_admin, now=now - timedelta(days=200))
    ticket = ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    StockMove.objects.create(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=place, ticket=ticket,
                             by=spares_admin, at=month_start - timedelta(days=40))
    StockMove.objects.create(kind=MoveKind.ISSUE, part=part, quantity=6, from_warehouse=place, ticket=ticket,
                             by=spares_admin, at=month_start + timedelta(minutes=1))
    rows = selectors.abnormal_usage(now=month_start + timedelta(hours=1), by="engineer")
    assert [(r["who"], r["this_month"]) for r in rows] == [(engineer.pk, 6)]
    assert selectors.abnormal_usage(now=month_start + timedelta(hours=1), by="engineer", factor=40) == []


def test_quote_page_creates_and_records_acceptance(client, spares_admin, agent, make_ticket):
    ticket = make_ticket()
    client.force_login(spares_admin)
    url = reverse("spares:ticket_quotes", args=[ticket.number])
    assert client.post(url, {}).status_code == 400
    client.post(url, {"labour": "80", "transport": "20"})
    quote = ticket.quotes.get()
    client.force_login(agent)
    client.post(reverse("spares:quote_decision", args=[quote.pk, "accept"]),
                {"customer_name": "Wang", "typed_consent": "OK"})
    quote.refresh_from_db()
    assert quote.status == "accepted"
    assert "Accepted by Wang" in client.get(url).content.decode()


def test_ticket_page_shows_the_spares_panel(client, spares_admin, make_ticket):
    ticket = make_ticket()
    client.force_login(spares_admin)
    assert 'id="ticket-spares"' in client.get(ticket.get_absolute_url()).content.decode()


def test_desk_reserves_a_part_from_the_ticket_page(client, spares_admin, engineer, make_ticket, now):
    part, place = PartFactory(part_number="RES-1"), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    ticket = make_ticket()
    client.force_login(spares_admin)
    assert 'id="reserve"' in client.get(ticket.get_absolute_url()).content.decode()
    url = reverse("spares:reserve", args=[ticket.number])
    client.post(url, {"part": part.pk, "warehouse": place.pk, "quantity": 1})
    refused = client.post(url, {"part": part.pk, "warehouse": place.pk, "quantity": 1}, follow=True)
    assert "Only 0 of RES-1" in refused.content.decode()
    assert ticket.reservations.count() == 1
    client.force_login(engineer)
    assert client.post(url, {"part": part.pk, "warehouse": place.pk, "quantity": 1}).status_code == 403


def test_admin_lists_spares_catalogues(admin_client):
    for name in ("part", "warehouse", "vendor", "stockmove", "stockbalance", "rma"):
        assert admin_client.get(reverse(f"admin:spares_{name}_changelist")).status_code == 200


def test_move_dates_are_local_days_as_a_range_of_instants(spares_admin, part, warehouse):
    """date_from/date_to are the center's local days, compared as instants on `at` (an index
    can serve them), not a cast of every move to a date."""
    from datetime import datetime

    from django.utils import timezone

    from spares.filtersets import StockMoveFilterSet
    from spares.models import MoveKind, StockMove

    def move(local):
        return StockMove.objects.create(kind=MoveKind.RECEIPT, part=part, quantity=1, to_warehouse=warehouse,
                                        by=spares_admin, at=timezone.make_aware(local))

    late = move(datetime(2026, 3, 1, 23, 30))
    early = move(datetime(2026, 3, 2, 0, 30))
    rows = StockMoveFilterSet({"date_from": "2026-03-02"}, queryset=StockMove.objects.all()).qs
    assert list(rows) == [early]
    rows = StockMoveFilterSet({"date_to": "2026-03-01"}, queryset=StockMove.objects.all()).qs
    assert list(rows) == [late]
    sql = str(rows.query).upper()
    assert "AT TIME ZONE" not in sql and "CAST_DATE" not in sql
