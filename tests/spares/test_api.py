"""The spare-parts API: permissions per role, filters, the ledger and RMA actions."""
from datetime import timedelta

import pytest

from spares import services
from spares.models import MoveKind, RmaStatus, StockMove
from staff import roles
from tests.factories import UserFactory
from tickets import services as ticket_services

from .conftest import PartFactory, VendorFactory, WarehouseFactory

pytestmark = pytest.mark.django_db
ENDPOINTS = ["parts", "warehouses", "stock", "stock-moves", "reservations", "vendors", "rma", "quotes"]
# role → endpoints it may read
READERS = {
    roles.SPARES_ADMIN: set(ENDPOINTS), roles.PURCHASING: set(ENDPOINTS) - {"quotes"}, roles.SUPERVISOR: set(ENDPOINTS),
    roles.MANAGER: set(ENDPOINTS), roles.ONSITE_ENGINEER: {"parts", "warehouses", "stock"},
    roles.AGENT: {"quotes"}, roles.QUALITY: set(),
}


@pytest.mark.parametrize("role", READERS)
def test_each_role_reads_what_it_may(role, api_client):
    client = api_client(UserFactory(username=f"u-{role}", roles=[role]))
    for endpoint in ENDPOINTS:
        expected = 200 if endpoint in READERS[role] else 403
        assert client.get(f"/api/{endpoint}/").status_code == expected, (role, endpoint)


def test_anonymous_gets_401(client):
    assert client.get("/api/stock/").status_code == 401


def test_receipt_transfer_and_stocktake_through_the_api(api_client, spares_admin, now):
    part, a, b = PartFactory(), WarehouseFactory(), WarehouseFactory()
    client = api_client(spares_admin)
    assert client.post("/api/stock-moves/", {"kind": "receipt", "part": part.pk, "warehouse": a.pk,
                                             "quantity": 4}, format="json").status_code == 201
    assert client.post("/api/stock-moves/", {"kind": "transfer", "part": part.pk, "from_warehouse": a.pk,
                                             "warehouse": b.pk, "quantity": 3}, format="json").status_code == 201
    refused = client.post("/api/stock-moves/", {"kind": "transfer", "part": part.pk, "from_warehouse": a.pk,
                                                "warehouse": b.pk, "quantity": 3}, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "out_of_stock"
    assert client.post("/api/stock-moves/", {"kind": "stocktake", "part": part.pk, "warehouse": b.pk,
                                             "counted": 2}, format="json").status_code == 201
    stock = client.get(f"/api/stock/?warehouse={b.pk}").data["results"]
    assert [(row["quantity"], row["available"]) for row in stock] == [(2, 2)]
    moves = client.get(f"/api/stock-moves/?kind=transfer&part={part.pk}").data["results"]
    assert [m["quantity"] for m in moves] == [3]


@pytest.mark.parametrize("body", [
    {"kind": "receipt", "part": 1},
    {"kind": "receipt", "part": "x", "warehouse": 1, "quantity": 1},
    {"kind": "steal", "part": 1, "warehouse": 1, "quantity": 1},
    {"kind": "receipt", "part": 1, "warehouse": 1, "quantity": -5},
    {"kind": "stocktake", "part": 1, "warehouse": 1, "counted": "lots"},
])
def test_bad_moves_are_400(api_client, spares_admin, body):
    assert api_client(spares_admin).post("/api/stock-moves/", body, format="json").status_code == 400


def test_managers_and_engineers_cannot_book_moves(api_client, manager, engineer):
    part, place = PartFactory(), WarehouseFactory()
    body = {"kind": "receipt", "part": part.pk, "warehouse": place.pk, "quantity": 1}
    for user in (manager, engineer):
        assert api_client(user).post("/api/stock-moves/", body, format="json").status_code == 403
    assert not StockMove.objects.exists()


def test_parts_below_reorder_point_filter(api_client, spares_admin, now):
    low, fine = PartFactory(reorder_point=5), PartFactory(reorder_point=1)
    place = WarehouseFactory()
    services.receive_stock(part=low, warehouse=place, quantity=2, by=spares_admin, now=now)
    services.receive_stock(part=fine, warehouse=place, quantity=2, by=spares_admin, now=now)
    rows = api_client(spares_admin).get("/api/parts/?below_reorder_point=true").data["results"]
    assert [r["part_number"] for r in rows] == [low.part_number]


def test_reservation_and_release_through_the_api(api_client, spares_admin, make_ticket, now):
    part, place = PartFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    ticket = make_ticket()
    client = api_client(spares_admin)
    created = client.post("/api/reservations/", {"ticket": ticket.number, "part": part.pk, "warehouse": place.pk,
                                                  "quantity": 1}, format="json")
    assert created.status_code == 201
    again = client.post("/api/reservations/", {"ticket": ticket.number, "part": part.pk, "warehouse": place.pk,
                                                "quantity": 1}, format="json")
    assert again.status_code == 409
    assert client.post(f"/api/reservations/{created.data['id']}/release/").data["status"] == "released"
    assert client.post(f"/api/reservations/{created.data['id']}/release/").status_code == 409
    assert client.post("/api/reservations/", {"ticket": "SR-0000-000000", "part": part.pk,
                                              "warehouse": place.pk, "quantity": 1}, format="json").status_code == 404


def test_rma_journey_through_the_api(api_client, spares_admin, supervisor, make_ticket, dispatcher, engineer, now):
    ticket = ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now - timedelta(hours=1))
    ticket_services.arrive(ticket, by=engineer, now=now - timedelta(minutes=30))
    client = api_client(spares_admin)
    vendor = VendorFactory()
    created = client.post("/api/rma/", {"ticket": ticket.number, "vendor": vendor.pk, "reason": "No power"},
                          format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert client.post(f"/api/rma/{pk}/ship/", {"carrier": "SF"}, format="json").status_code == 400
    shipped = client.post(f"/api/rma/{pk}/ship/", {"carrier": "SF", "tracking_number": "SF1"}, format="json")
    assert shipped.status_code == 200 and shipped.data["status"] == RmaStatus.SHIPPED
    assert shipped.data["next_due_at"] is not None and len(shipped.data["milestones"]) == 5
    done = client.post(f"/api/rma/{pk}/milestone/", {"kind": "receipt", "note": "Vendor has it"}, format="json")
    assert done.status_code == 200
    assert client.post(f"/api/rma/{pk}/milestone/", {"kind": "day_30", "note": "x"}, format="json").status_code == 400
    assert client.post(f"/api/rma/{pk}/write-off/", {"reason": "x"}, format="json").status_code == 403
    back = client.post(f"/api/rma/{pk}/return/", {"note": "Repaired"}, format="json")
    assert back.status_code == 200 and back.data["status"] == RmaStatus.RETURNED
    assert client.get(f"/api/tickets/{ticket.number}/").data["status"] == "in_progress"
    assert client.post(f"/api/rma/{pk}/return/", {}, format="json").status_code == 409
    assert client.get("/api/rma/?status=returned").data["results"][0]["id"] == pk


def test_list_endpoints_query_counts_do_not_grow(api_client, spares_admin, now, django_assert_max_num_queries):
    place = WarehouseFactory()
    for _ in range(10):
        services.receive_stock(part=PartFactory(), warehouse=place, quantity=1, by=spares_admin, now=now)
    client = api_client(spares_admin)
    for endpoint in ("stock", "stock-moves", "parts"):
        with django_assert_max_num_queries(8):
            assert client.get(f"/api/{endpoint}/").status_code == 200


def test_issue_moves_are_listed_per_ticket(api_client, spares_admin, make_ticket, now):
    part, place = PartFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    ticket = make_ticket()
    services.apply_move(kind=MoveKind.ISSUE, part=part, quantity=1, from_warehouse=place, ticket=ticket,
                        by=spares_admin, now=now)
    rows = api_client(spares_admin).get(f"/api/stock-moves/?ticket={ticket.number}").data["results"]
    assert [r["ticket"] for r in rows] == [ticket.number]
