"""The bad inputs of issue 8 items 4–5, one by one: each is a 400 with a message (never a
500), text is capped on every path, and back-dated times are bounded and marked."""
from datetime import timedelta

import pytest

from tickets.templatetags.ticket_ui import event_text
from django.utils import timezone

from dispatch import services as dispatch_services
from tests.factories import ProductModelFactory
from tickets import choices, services
from tickets.exceptions import InvalidInput
from tickets.models import Customer, ProductUnit, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(make_ticket, dispatcher, engineer, now):
    ticket = services.assign_ticket(make_ticket(now=now - timedelta(hours=2)), engineer, by=dispatcher,
                                    now=now - timedelta(hours=2))
    return services.arrive(ticket, by=engineer, now=now - timedelta(hours=1))


@pytest.mark.parametrize("body", ["[]", '"x"', "42", "true", "null"])
def test_a_json_body_that_is_not_an_object_is_400(api_client, engineer, in_progress, body):
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/complete/", body,
                                         content_type="application/json")
    assert response.status_code == 400
    assert "JSON object" in response.data["detail"]


@pytest.mark.parametrize("completion", ["x", 42, [], True])
def test_a_field_job_completion_that_is_not_an_object_is_400(api_client, engineer, unit, completion, now):
    body = {"engineer": engineer.pk, "customer": unit.customer.pk, "category": "repair", "service_type": "onsite",
            "fault_description": "x", "received_at": now.isoformat(), "completion": completion}
    response = api_client(engineer).post("/api/field-jobs/", body, format="json")
    assert response.status_code == 400 and "completion" in response.data


@pytest.mark.parametrize("body", ["[" * 2000 + "]" * 2000, '{"a":' * 2000 + "1" + "}" * 2000,
                                  '{"note": ' + "[" * 40 + "]" * 40 + "}"])
def test_deeply_nested_json_is_400(api_client, engineer, in_progress, body):
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/notes/", body,
                                         content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.data["detail"] or "JSON object" in response.data["detail"]


@pytest.mark.parametrize("text", ["a\\u0000b", "\\ud800"])
def test_nul_and_lone_surrogates_in_json_are_400(api_client, engineer, in_progress, text):
    response = api_client(engineer).post(f"/api/tickets/{in_progress.number}/notes/", '{"note": "%s"}' % text,
                                         content_type="application/json")
    assert response.status_code == 400 and response.data["detail"]


@pytest.mark.parametrize("url", ["/tickets/a%00b/", "/tickets/a%00b/signature.png", "/dispatch/depot/a%00b/",
                                 "/tickets/new/search/?q=ab%00"])
def test_a_nul_byte_in_a_page_url_is_400_with_a_message(client, supervisor, url):
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_400(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/staff/inbox/read/", {"id": "1\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/tickets/?before=%C2%B2", "/tickets/customers/?before=%C2%B2"])
def test_a_superscript_digit_as_an_id_is_400_with_a_message(client, supervisor, url):
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 400
    assert "is not a valid id" in response.content.decode()


def test_marking_notification_superscript_two_read_is_400(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/staff/inbox/read/", {"id": "²"})
    assert response.status_code == 400 and "is not a valid id" in response.content.decode()


# --- item 5: one validation on every path ---------------------------------------------------

def test_the_api_refuses_a_purchase_date_in_the_future(api_client, agent, unit):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_client(agent).post("/api/units/", {"model": unit.model.pk, "serial_number": "NEW-1",
                                                      "customer": unit.customer.pk, "purchase_date": tomorrow},
                                      format="json")
    assert response.status_code == 400 and "purchase_date" in response.data
    assert not ProductUnit.objects.filter(serial_number="NEW-1").exists()


def test_the_service_refuses_a_purchase_date_in_the_future(agent, unit):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_unit(by=agent, customer=unit.customer, model=ProductModelFactory(), serial_number="X",
                             purchase_date=timezone.localdate() + timedelta(days=1))


def test_the_api_caps_an_address_at_500_characters(api_client, agent):
    response = api_client(agent).post("/api/customers/", {"name": "Li", "phones": ["13800000001"],
                                                          "address": "x" * 1_000_000}, format="json")
    assert response.status_code == 400 and "address" in response.data
    assert not Customer.objects.filter(name="Li").exists()


def test_the_service_caps_an_address_too(agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_customer(by=agent, name="Li", phones=["13800000001"], address="x" * 501)


def test_a_field_job_received_in_2000_is_refused(api_client, engineer, unit, mailoutbox):
    body = {"engineer": engineer.pk, "customer": unit.customer.pk, "category": "repair", "service_type": "onsite",
            "fault_description": "x", "received_at": "2000-01-01T09:00:00+08:00"}
    response = api_client(engineer).post("/api/field-jobs/", body, format="json")
    assert response.status_code == 400 and "received_at" in response.data
    assert "7 days" in str(response.data["received_at"])
    assert not Ticket.objects.exists() and not mailoutbox


def test_the_service_bounds_back_dated_field_jobs(dispatcher, engineer, unit, now, settings):
    settings.BACKDATE_LIMIT_DAYS = 2
    with pytest.raises(InvalidInput):
        dispatch_services.enter_field_job(
            by=dispatcher, now=now, engineer=engineer, customer=unit.customer, unit=unit, category="repair",
            service_type="onsite", fault_description="x", received_at=now - timedelta(days=2, minutes=1))
    ticket = dispatch_services.enter_field_job(
        by=dispatcher, now=now, engineer=engineer, customer=unit.customer, unit=unit, category="repair",
        service_type="onsite", fault_description="x", received_at=now - timedelta(days=1))
    note = ticket.events.get(kind=choices.EventKind.NOTE, data__field_job=True)
    assert note.data["back_dated"] is True and "back-dated" in event_text(note)


def test_a_late_arrival_is_marked_back_dated_and_bounded(dispatcher, engineer, make_ticket, now):
    ticket = services.assign_ticket(make_ticket(now=now - timedelta(days=9)), engineer, by=dispatcher,
                                    now=now - timedelta(days=9))
    with pytest.raises(InvalidInput):
        services.arrive(ticket, by=dispatcher, now=now, at=now - timedelta(days=8))
    ticket = services.arrive(ticket, by=dispatcher, now=now, at=now - timedelta(hours=3))
    event = ticket.events.get(to_status=choices.Status.IN_PROGRESS)
    assert event.data["back_dated"] is True
    fresh = services.assign_ticket(make_ticket(now=now), engineer, by=dispatcher, now=now)
    assert "back_dated" not in services.arrive(fresh, by=engineer, now=now).events.get(
        to_status=choices.Status.IN_PROGRESS).data
