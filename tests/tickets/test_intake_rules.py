"""Intake rules of issue 7 item 9: a second open ticket for a unit needs a reason; a new
customer with a phone already on file is refused with a link; an inquiry is tied to a
unit only when the agent picks one and is never DOA. Service, page and API alike."""
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import CustomerFactory, CustomerPhoneFactory, ProductUnitFactory
from tickets import choices, services
from tickets.exceptions import OpenTicketExists, PhoneOnFile
from tickets.models import Customer, Ticket
from tickets.templatetags.ticket_ui import event_text


def _create(agent, unit, now, **extra):
    return services.create_ticket(by=agent, now=now, customer=unit.customer, unit=unit,
                                  channel="phone", category="repair", service_type="onsite", **extra)


def _page_data(**overrides):
    data = {"channel": "phone", "category": "repair", "service_type": "onsite", "priority": "normal",
            "fault_description": "No power", "nc-area": "urban", "nc-customer_type": "consumer"}
    data.update(overrides)
    return data


@pytest.fixture
def doa_unit(db):
    """Bought three days ago: within the 15-day DOA window."""
    return ProductUnitFactory(purchase_date=timezone.localdate() - timezone.timedelta(days=3))


# --- a second open ticket for the same unit ------------------------------------------------

def test_second_open_ticket_for_a_unit_is_refused_without_a_reason(agent, unit, now):
    first = _create(agent, unit, now)
    with pytest.raises(OpenTicketExists) as refused:
        _create(agent, unit, now)
    assert refused.value.extra == {"open_ticket": first.number, "open_ticket_url": first.get_absolute_url()}
    assert Ticket.objects.count() == 1


def test_second_ticket_with_a_reason_records_it_on_the_timeline(agent, unit, now):
    first = _create(agent, unit, now)
    second = _create(agent, unit, now, duplicate_reason="Second fault: door seal")
    event = second.events.get(kind="note")
    assert event.message == "Second fault: door seal" and event.data["duplicate_of"] == first.number
    with translation.override("en"):
        assert event_text(event) == f"Created although {first.number} is open for the same unit"


def test_a_closed_or_cancelled_ticket_does_not_block_a_new_one(agent, unit, now):
    first = _create(agent, unit, now)
    services.cancel(first, by=agent, now=now, reason="Customer fixed it")
    assert _create(agent, unit, now).pk != first.pk


def test_intake_page_warns_and_links_to_the_open_ticket(client, agent, unit, now):
    first = _create(agent, unit, now)
    client.force_login(agent)
    response = client.post(reverse("tickets:intake"), _page_data(customer=unit.customer.pk, unit=unit.pk))
    html = response.content.decode()
    assert response.status_code == 400 and Ticket.objects.count() == 1
    assert 'id="open-ticket-warning"' in html and f'href="{first.get_absolute_url()}"' in html
    assert 'name="duplicate_reason"' in html
    response = client.post(reverse("tickets:intake"), _page_data(
        customer=unit.customer.pk, unit=unit.pk, duplicate_reason="Another fault"))
    assert response.status_code == 302 and Ticket.objects.count() == 2


def test_api_second_ticket_is_409_with_the_open_ticket(api_client, agent, unit, now):
    first = _create(agent, unit, now)
    body = {"customer": unit.customer.pk, "unit": unit.pk, "channel": "phone", "category": "repair",
            "service_type": "onsite"}
    response = api_client(agent).post("/api/tickets/", body, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "open_ticket_exists" and response.data["open_ticket"] == first.number
    assert "duplicate_reason" in response.data
    response = api_client(agent).post("/api/tickets/", {**body, "duplicate_reason": "Other fault"}, format="json")
    assert response.status_code == 201


# --- a new customer whose phone is already on file -----------------------------------------

def test_new_customer_with_a_phone_on_file_is_refused(agent):
    owner = CustomerFactory(name="Zhou Min")
    CustomerPhoneFactory(customer=owner, raw="138 0013 8000")
    with pytest.raises(PhoneOnFile) as refused:
        services.create_customer(by=agent, name="Someone Else", phones=["+86 13800138000"])
    assert refused.value.extra["customer"] == owner.pk
    assert Customer.objects.count() == 1


def test_changing_a_customers_phones_to_another_customers_number_is_refused(agent):
    owner = CustomerFactory()
    CustomerPhoneFactory(customer=owner, raw="13800138000")
    other = CustomerFactory()
    with pytest.raises(PhoneOnFile):
        services.update_customer(other, by=agent, phones=["13800138000"])
    services.update_customer(owner, by=agent, phones=["13800138000", "13900000000"])  # own number is fine


def test_intake_page_refuses_the_phone_and_links_to_its_customer(client, agent):
    owner = CustomerFactory(name="Zhou Min")
    CustomerPhoneFactory(customer=owner, raw="138 0013 8000")
    client.force_login(agent)
    response = client.post(reverse("tickets:intake"), _page_data(
        category="inquiry", service_type="remote", **{"nc-name": "Dup Phone", "nc-phones": "13800138000"}))
    html = response.content.decode()
    assert response.status_code == 400 and Customer.objects.count() == 1
    assert 'id="phone-on-file"' in html and f"?customer={owner.pk}" in html and "Zhou Min" in html


def test_api_new_customer_with_a_phone_on_file_is_409_with_the_customer(api_client, agent):
    owner = CustomerFactory()
    CustomerPhoneFactory(customer=owner, raw="13800138000")
    response = api_client(agent).post("/api/customers/", {"name": "B", "phones": ["138-0013-8000"]}, format="json")
    assert response.status_code == 409
    assert (response.data["code"], response.data["customer"]) == ("phone_on_file", owner.pk)
    assert "phones" in response.data


def test_intake_prefills_the_new_customers_phone_from_the_search(client, agent):
    client.force_login(agent)
    html = client.get(reverse("tickets:intake"), {"phone": "139 1234 5678"}).content.decode()
    assert 'value="139 1234 5678"' in html


# --- inquiries -------------------------------------------------------------------------------

def test_inquiry_is_never_doa(agent, doa_unit, now):
    repair = _create(agent, doa_unit, now)
    assert repair.is_doa
    inquiry = services.create_ticket(by=agent, now=now, customer=doa_unit.customer, unit=doa_unit,
                                     channel="phone", category="inquiry", service_type="remote",
                                     duplicate_reason="question about the open repair")
    assert not inquiry.is_doa


def test_intake_page_preselects_no_unit(client, agent, unit):
    """A sole unit is not tied to the call by the server (an inquiry answered on the call
    would otherwise carry it); the page script preselects it for repairs only."""
    client.force_login(agent)
    html = client.get(reverse("tickets:intake"), {"customer": unit.customer.pk}).content.decode()
    assert f'value="{unit.pk}" checked' not in html.replace("\n", "")
    assert 'name="unit" value="" checked' in html


def test_inquiry_answered_on_the_call_without_a_picked_unit_has_none(client, agent, doa_unit):
    client.force_login(agent)
    response = client.post(reverse("tickets:intake"), _page_data(
        customer=doa_unit.customer.pk, unit="", category="inquiry", service_type="remote", resolve="1",
        answer="Explained the eco mode"))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.unit is None and not ticket.is_doa and ticket.status == choices.Status.CLOSED


def test_refused_intake_does_not_flag_the_unused_new_unit_fields(client, agent, unit, now):
    _create(agent, unit, now)
    client.force_login(agent)
    html = client.post(reverse("tickets:intake"), _page_data(customer=unit.customer.pk, unit=unit.pk)).content.decode()
    assert "This field is required." not in html
