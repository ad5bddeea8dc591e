"""Out-of-warranty quotes: totals, acceptance, the start rule and the cancel lock
(service, API and page)."""
from datetime import date
from decimal import Decimal

import pytest

from spares import services
from spares.models import QuoteStatus
from tickets import services as ticket_services
from tickets.choices import Status, WarrantyStatus
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed
from tickets.models import Ticket

from .conftest import PartFactory, WarehouseFactory

LINES = [
    {"kind": "labour", "unit_price": Decimal("80.00"), "quantity": 1, "description": "Bench repair"},
    {"kind": "parts", "unit_price": Decimal("45.50"), "quantity": 2, "description": "Fan"},
    {"kind": "transport", "unit_price": Decimal("20.00"), "quantity": 1, "description": ""},
    {"kind": "insurance", "unit_price": Decimal("5.00"), "quantity": 1, "description": ""},
]


@pytest.fixture
def out_of_warranty(make_ticket, unit, dispatcher, engineer, now):
    unit.purchase_date = date(2020, 1, 1)
    unit.save()
    ticket = make_ticket()
    assert ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY
    return ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=now)


@pytest.fixture
def quote(out_of_warranty, spares_admin, now):
    return services.create_quote(out_of_warranty, lines=LINES, by=spares_admin, now=now)


def test_quote_totals_and_what_stays_chargeable(quote):
    assert quote.total == Decimal("196.00")
    assert quote.charged_if_unrepairable == Decimal("25.00")


def test_work_cannot_start_without_an_accepted_quote(out_of_warranty, quote, engineer, agent, now):
    with pytest.raises(TransitionNotAllowed, match="quote"):
        ticket_services.start_work(out_of_warranty, by=engineer, now=now)
    services.accept_quote(quote, customer_name="Wang Fang", typed_consent="I accept", by=agent, now=now)
    ticket_services.start_work(out_of_warranty, by=engineer, now=now)
    assert Ticket.objects.get(pk=out_of_warranty.pk).status == Status.IN_PROGRESS


def test_supervisor_may_waive_the_quote_with_a_reason(out_of_warranty, supervisor, spares_admin, engineer, now):
    with pytest.raises(PermissionDenied):
        services.waive_quote(out_of_warranty, reason="VIP goodwill", by=spares_admin, now=now)
    services.waive_quote(out_of_warranty, reason="VIP goodwill repair", by=supervisor, now=now)
    ticket_services.start_work(out_of_warranty, by=engineer, now=now)
    assert out_of_warranty.events.filter(message__contains="VIP goodwill repair").exists()


def test_acceptance_needs_a_name_and_consent_or_signature(quote, agent, now):
    with pytest.raises(InvalidFields) as refused:
        services.accept_quote(quote, customer_name=" ", by=agent, now=now)
    assert set(refused.value.errors) == {"customer_name", "typed_consent"}
    services.accept_quote(quote, customer_name="Wang Fang", typed_consent="OK", by=agent, now=now)
    with pytest.raises(TransitionNotAllowed):
        services.decline_quote(quote, by=agent, now=now)


def test_in_warranty_work_needs_no_quote(make_ticket, dispatcher, engineer, now):
    ticket = ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    ticket_services.start_work(ticket, by=engineer, now=now)


def _committed(quote, agent, engineer, now):
    services.accept_quote(quote, customer_name="Wang Fang", typed_consent="I accept", by=agent, now=now)
    ticket_services.start_work(quote.ticket, by=engineer, now=now)
    return Ticket.objects.get(pk=quote.ticket_id)


def test_signed_paid_repair_with_work_started_cannot_be_cancelled(quote, agent, engineer, now):
    ticket = _committed(quote, agent, engineer, now)
    with pytest.raises(TransitionNotAllowed):
        ticket_services.cancel(ticket, by=agent, now=now, reason="Changed mind")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_signed_paid_repair_with_parts_reserved_cannot_be_cancelled(quote, agent, spares_admin, now):
    services.accept_quote(quote, customer_name="Wang Fang", typed_consent="I accept", by=agent, now=now)
    part, place = PartFactory(), WarehouseFactory()
    services.receive_stock(part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    services.reserve_part(quote.ticket, part=part, warehouse=place, quantity=1, by=spares_admin, now=now)
    with pytest.raises(TransitionNotAllowed):
        ticket_services.cancel(Ticket.objects.get(pk=quote.ticket_id), by=agent, now=now, reason="Changed mind")


def test_accepted_quote_alone_or_declined_quote_does_not_lock(quote, out_of_warranty, agent, now):
    services.accept_quote(quote, customer_name="Wang Fang", typed_consent="I accept", by=agent, now=now)
    ticket_services.cancel(Ticket.objects.get(pk=quote.ticket_id), by=agent, now=now, reason="Before any work")


def test_declined_quote_then_cancel_is_allowed(quote, agent, now):
    services.decline_quote(quote, reason="Too expensive", by=agent, now=now)
    ticket_services.cancel(Ticket.objects.get(pk=quote.ticket_id), by=agent, now=now, reason="Declined")
    assert Ticket.objects.get(pk=quote.ticket_id).cancelled_at == now


def test_cancel_lock_answers_409_in_the_api(quote, agent, engineer, now, api_client):
    ticket = _committed(quote, agent, engineer, now)
    response = api_client(agent).post(f"/api/tickets/{ticket.number}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert "cannot be cancelled" in response.data["detail"]


def test_cancel_lock_on_the_page(quote, agent, engineer, now, client):
    ticket = _committed(quote, agent, engineer, now)
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url())
    assert 'id="action-cancel"' not in page.content.decode()
    response = client.post(f"/tickets/{ticket.number}/cancel/", {"cancel-reason": "x"}, follow=True)
    assert "cannot be cancelled" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_quote_accepted_through_the_api_with_a_drawn_signature(quote, agent, api_client, settings, tmp_path):
    from tests.tickets.test_signature import DATA_URL

    settings.MEDIA_ROOT = tmp_path
    response = api_client(agent).post(f"/api/quotes/{quote.pk}/accept/", {
        "customer_name": "Wang Fang", "signature": DATA_URL}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == QuoteStatus.ACCEPTED
    assert quote.ticket.quotes.get().signature
    assert Ticket.objects.get(pk=quote.ticket_id).quote_accepted_at is not None


def test_quote_created_and_declined_through_the_api(out_of_warranty, spares_admin, agent, api_client):
    response = api_client(spares_admin).post("/api/quotes/", {"ticket": out_of_warranty.number, "lines": [
        {"kind": "labour", "unit_price": "80.00", "quantity": 1}, {"kind": "transport", "unit_price": "20"}]},
        format="json")
    assert response.status_code == 201, response.data
    assert response.data["total"] == "100.00" and response.data["charged_if_unrepairable"] == "20.00"
    assert api_client(engineer_like(out_of_warranty)).post("/api/quotes/", {}, format="json").status_code == 403
    declined = api_client(agent).post(f"/api/quotes/{response.data['id']}/decline/", {"reason": "Too dear"},
                                      format="json")
    assert declined.status_code == 200 and declined.data["status"] == "declined"
    again = api_client(agent).post(f"/api/quotes/{response.data['id']}/accept/",
                                   {"customer_name": "x", "typed_consent": "y"}, format="json")
    assert again.status_code == 409


def engineer_like(ticket):
    return ticket.assignee


def test_bad_quote_lines_are_400(out_of_warranty, spares_admin, api_client):
    response = api_client(spares_admin).post("/api/quotes/", {"ticket": out_of_warranty.number, "lines": [
        {"kind": "bribe", "unit_price": "-1"}]}, format="json")
    assert response.status_code == 400



def test_waiver_through_the_api_is_for_supervisors(out_of_warranty, supervisor, spares_admin, api_client):
    body = {"ticket": out_of_warranty.number, "reason": "Goodwill for a VIP"}
    assert api_client(spares_admin).post("/api/quotes/waive/", body, format="json").status_code == 403
    response = api_client(supervisor).post("/api/quotes/waive/", body, format="json")
    assert response.status_code == 201 and response.data["status"] == "waived"
    assert api_client(supervisor).post("/api/quotes/waive/", body, format="json").status_code == 409
