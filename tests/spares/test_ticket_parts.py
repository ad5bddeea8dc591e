"""Parts on tickets: completion takes ledger lines (page and API) in its transaction;
a part replaced in the field owes its defective twin back, received as a ledger move."""
import pytest
from django.urls import reverse

from spares import services
from spares.models import (
    Condition, DefectiveReturn, MoveKind, ReservationStatus, StockBalance, StockMove, WarehouseKind,
)
from tickets import services as ticket_services
from tickets.choices import Status
from tickets.models import ClockKind, SlaClock, Ticket

from .conftest import PartFactory, WarehouseFactory


@pytest.fixture
def van(engineer):
    return WarehouseFactory(code="VAN-1", kind=WarehouseKind.VAN, engineer=engineer)


@pytest.fixture
def stocked(spares_admin, van, now):
    part = PartFactory(part_number="FAN-9", name="Fan")
    services.receive_stock(part=part, warehouse=van, quantity=2, by=spares_admin, now=now)
    return part


@pytest.fixture
def in_progress(make_ticket, dispatcher, engineer, now):
    ticket = ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    return ticket_services.arrive(ticket, by=engineer, now=now)


def _page_complete(client, ticket, **extra):
    data = {"complete-outcome": "repaired", "complete-work_done": "Fan swapped",
            "complete-customer_confirmation": "Mr Li", **{f"complete-{k}": v for k, v in extra.items()}}
    return client.post(f"/tickets/{ticket.number}/complete/", data)


def test_completion_page_issues_parts_from_the_van_and_shows_their_cost(client, engineer, in_progress, stocked,
                                                                         van):
    client.force_login(engineer)
    response = _page_complete(client, in_progress, part_1=stocked.pk, quantity_1=1, warehouse_1=van.pk,
                              parts_replaced="on")
    assert response.status_code == 302
    move = StockMove.objects.get(kind=MoveKind.ISSUE)
    assert (move.ticket_id, move.quantity, move.from_warehouse) == (in_progress.pk, 1, van)
    assert StockBalance.objects.get(part=stocked, warehouse=van).quantity == 1
    ticket = Ticket.objects.get(pk=in_progress.pk)
    assert ticket.status == Status.COMPLETED and "FAN-9" in ticket.service_report.parts_used
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "FAN-9" in page and "12.50" in page


def test_completion_with_a_part_out_of_stock_completes_nothing(client, engineer, in_progress, stocked, van):
    client.force_login(engineer)
    response = _page_complete(client, in_progress, part_1=stocked.pk, quantity_1=5, warehouse_1=van.pk)
    assert response.status_code in (302, 400)
    assert Ticket.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS
    assert not StockMove.objects.filter(kind=MoveKind.ISSUE).exists()


def test_part_line_without_a_warehouse_is_a_form_error(client, engineer, in_progress, stocked):
    client.force_login(engineer)
    response = _page_complete(client, in_progress, part_1=stocked.pk, quantity_1=1)
    assert response.status_code == 400
    assert Ticket.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS


def test_api_completion_takes_ledger_lines(api_client, engineer, in_progress, stocked, van):
    body = {"outcome": "repaired", "work_done": "Fan swapped", "customer_confirmation": "Mr Li",
            "parts": [{"part": stocked.pk, "quantity": 2, "warehouse": van.pk}]}
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/complete/", body, format="json")
    assert response.status_code == 200, response.data
    assert StockBalance.objects.get(part=stocked, warehouse=van).quantity == 0


def test_api_completion_out_of_stock_is_409_and_nothing_changes(api_client, engineer, in_progress, stocked, van):
    body = {"outcome": "repaired", "work_done": "x", "customer_confirmation": "Mr Li",
            "parts": [{"part": stocked.pk, "quantity": 3, "warehouse": van.pk}]}
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/complete/", body, format="json")
    assert response.status_code == 409 and response.data["code"] == "out_of_stock"
    assert Ticket.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS


def test_api_completion_with_a_bad_part_is_400(api_client, engineer, in_progress):
    body = {"outcome": "repaired", "work_done": "x", "customer_confirmation": "Mr Li",
            "parts": [{"part": 999999, "quantity": 0, "warehouse": "van"}]}
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/complete/", body, format="json")
    assert response.status_code == 400


def test_another_engineers_van_is_refused(api_client, engineer, other_engineer, in_progress, spares_admin, now):
    van2 = WarehouseFactory(code="VAN-2", kind=WarehouseKind.VAN, engineer=other_engineer)
    part = PartFactory()
    services.receive_stock(part=part, warehouse=van2, quantity=1, by=spares_admin, now=now)
    body = {"outcome": "repaired", "work_done": "x", "customer_confirmation": "Mr Li",
            "parts": [{"part": part.pk, "quantity": 1, "warehouse": van2.pk}]}
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/complete/", body, format="json")
    assert response.status_code == 403
    assert StockBalance.objects.get(part=part, warehouse=van2).quantity == 1


def test_reserved_part_is_used_by_the_completion(engineer, in_progress, stocked, van, spares_admin, now):
    reservation = services.reserve_part(in_progress, part=stocked, warehouse=van, quantity=2, by=spares_admin,
                                        now=now)
    services.complete_with_parts(in_progress, by=engineer, now=now, outcome="repaired", work_done="x",
                                 customer_confirmation="Li",
                                 part_lines=[services.ticket_parts.PartLine(stocked, 2, van)])
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONSUMED
    assert StockBalance.objects.filter(part=stocked, warehouse=van).values_list("quantity", "reserved").get() == (0, 0)


def test_replaced_part_owes_its_defective_back_and_receiving_it_is_a_ledger_move(
        client, api_client, engineer, spares_admin, in_progress, stocked, van, warehouse, now):
    services.complete_with_parts(in_progress, by=engineer, now=now, outcome="repaired", work_done="x",
                                 customer_confirmation="Li", parts_replaced=True,
                                 part_lines=[services.ticket_parts.PartLine(stocked, 1, van)])
    owed = DefectiveReturn.objects.get(ticket=in_progress)
    assert owed.part == stocked and owed.received_at is None
    # The part-return clock names the part owed: stored on the clock, no query per row.
    assert SlaClock.objects.get(ticket=in_progress, kind=ClockKind.PART_RETURN).subject == "1 × FAN-9 Fan"
    client.force_login(spares_admin)
    page = client.get(in_progress.get_absolute_url()).content.decode()
    assert "Defective parts owed" in page and "FAN-9" in page
    clocks_section = page[page.index('class="card sla-clocks"'):]
    row = clocks_section[clocks_section.index('class="clock-part_return"'):]
    assert '<div class="small clock-subject">1 × FAN-9 Fan</div>' in row[:row.index("</tr>")]
    api = api_client(spares_admin).get(f"/api/tickets/{in_progress.number}/").data
    assert [c["subject"] for c in api["clocks"] if c["kind"] == "part_return"] == ["1 × FAN-9 Fan"]
    client.post(f"/spares/tickets/{in_progress.number}/defective-received/", {"warehouse": warehouse.pk})
    owed.refresh_from_db()
    assert owed.received_at is not None
    move = StockMove.objects.get(kind=MoveKind.DEFECTIVE_RETURN)
    assert (move.to_warehouse, move.condition, move.ticket_id) == (warehouse, Condition.DEFECTIVE, in_progress.pk)
    clock = SlaClock.objects.get(ticket=in_progress, kind=ClockKind.PART_RETURN)
    assert clock.stopped_at is not None
    assert in_progress.events.filter(message__contains="FAN-9").exists()


def test_unused_part_comes_back_to_stock(engineer, spares_admin, in_progress, stocked, van, warehouse, now):
    services.complete_with_parts(in_progress, by=engineer, now=now, outcome="repaired", work_done="x",
                                 customer_confirmation="Li",
                                 part_lines=[services.ticket_parts.PartLine(stocked, 1, van)])
    services.return_unused_part(in_progress, part=stocked, warehouse=warehouse, quantity=1, by=spares_admin, now=now)
    from tickets.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.return_unused_part(in_progress, part=stocked, warehouse=warehouse, quantity=1, by=spares_admin,
                                    now=now)


def test_ticket_page_pickers_load_when_a_form_is_opened(client, engineer, agent, in_progress, stocked, van):
    """The completion form's part and place pickers come with their empty option only; the
    options come from spares:options_* (static/js/lazy-options.js) when the form is opened."""
    client.force_login(engineer)
    page = client.get(in_progress.get_absolute_url()).content.decode()
    assert 'data-options="/spares/options/parts/"' in page and 'data-options="/spares/options/places/"' in page
    assert "FAN-9" not in page and "VAN-1" not in page
    parts = client.get(reverse("spares:options_parts"))
    assert parts.status_code == 200 and f'<option value="{stocked.pk}">FAN-9 Fan</option>' in parts.content.decode()
    assert f'<option value="{van.pk}">VAN-1 ' in client.get(reverse("spares:options_places")).content.decode()
    # a form shown again with a choice made keeps its full list and the choice
    again = _page_complete(client, in_progress, part_1=stocked.pk, quantity_1=1)  # no place: refused
    assert again.status_code == 400
    assert f'<option value="{stocked.pk}" selected>FAN-9 Fan</option>' in again.content.decode()
    client.force_login(agent)  # no form with a part picker
    assert client.get(reverse("spares:options_parts")).status_code == 403
    client.logout()
    assert client.get(reverse("spares:options_parts")).status_code == 302


def test_spares_panel_shows_each_part_that_has_rows(client, spares_admin, engineer, in_progress, stocked, van, now):
    """The panel reads only the parts the ticket's flags say have rows; those it shows."""
    services.reserve_part(in_progress, part=stocked, warehouse=van, quantity=1, by=spares_admin, now=now)
    client.force_login(spares_admin)
    page = client.get(in_progress.get_absolute_url()).content.decode()
    assert "Reserved: 1 × FAN-9 in VAN-1" in page and "No parts used." not in page
    client.force_login(engineer)
    _page_complete(client, in_progress, part_1=stocked.pk, quantity_1=1, warehouse_1=van.pk, parts_replaced="on")
    client.force_login(spares_admin)
    page = client.get(in_progress.get_absolute_url()).content.decode()
    assert "Defective parts owed to the desk:" in page and "12.50" in page
