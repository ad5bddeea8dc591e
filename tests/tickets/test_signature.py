"""Customer confirmation by drawn signature at completion (page, service, API)."""
import base64

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.exceptions import InvalidFields

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def started(make_ticket, dispatcher, engineer):
    ticket = make_ticket()
    services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
    return services.arrive(ticket, by=engineer, now=timezone.now())


def _post_complete(client, ticket, **extra):
    data = {"complete-outcome": "repaired", "complete-work_done": "Cleaned rollers"}
    data.update({f"complete-{k}": v for k, v in extra.items()})
    return client.post(reverse("tickets:ticket_action", args=[ticket.number, "complete"]), data)


def test_signature_alone_confirms_the_work(client, started, engineer):
    client.force_login(engineer)
    assert _post_complete(client, started, customer_signature=DATA_URL).status_code == 302
    started.refresh_from_db()
    report = started.service_report
    assert started.status == "completed" and report.customer_confirmation == ""
    assert report.customer_signature.read().startswith(b"\x89PNG")
    image = client.get(reverse("tickets:signature", args=[started.number]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_neither_name_nor_signature_is_refused_next_to_the_field(client, started, engineer):
    client.force_login(engineer)
    response = _post_complete(client, started)
    assert response.status_code == 400 and "name or let them sign" in response.content.decode()
    started.refresh_from_db()
    assert started.status == "in_progress"


@pytest.mark.parametrize("bad", ["data:image/gif;base64,R0lGODlh", "data:image/png;base64,!!!",
                                 "data:image/png;base64," + base64.b64encode(b"not a png").decode()])
def test_a_bad_signature_is_refused(client, started, engineer, bad):
    client.force_login(engineer)
    response = _post_complete(client, started, customer_signature=bad, customer_confirmation="Mr. Li")
    assert response.status_code == 400
    started.refresh_from_db()
    assert started.status == "in_progress"


def test_service_refuses_a_fake_signature_file(started, engineer):
    from django.core.files.base import ContentFile

    with pytest.raises(InvalidFields) as refusal:
        services.complete(started, by=engineer, now=timezone.now(), outcome="repaired", work_done="x",
                          customer_signature=ContentFile(b"MZ...", name="sig.png"))
    assert "customer_signature" in refusal.value.errors


def test_signature_is_private_to_who_may_see_the_ticket(client, started, engineer, other_engineer):
    from tickets.uploads import signature_from_data_url

    services.complete(started, by=engineer, now=timezone.now(), outcome="repaired", work_done="x",
                      customer_signature=signature_from_data_url(DATA_URL))
    client.force_login(other_engineer)
    assert client.get(reverse("tickets:signature", args=[started.number])).status_code == 404


def test_api_complete_with_a_signature(api_client, started, engineer):
    response = api_client(engineer).post(f"/api/tickets/{started.number}/complete/", {
        "outcome": "repaired", "work_done": "Cleaned", "customer_signature": DATA_URL}, format="json")
    assert response.status_code == 200, response.content
    started.refresh_from_db()
    assert started.service_report.customer_signature


def test_api_complete_needs_a_name_or_a_signature(api_client, started, engineer):
    client = api_client(engineer)
    response = client.post(f"/api/tickets/{started.number}/complete/",
                           {"outcome": "repaired", "work_done": "Cleaned"}, format="json")
    assert response.status_code == 400 and "customer_confirmation" in response.json()
    response = client.post(f"/api/tickets/{started.number}/complete/", {
        "outcome": "repaired", "work_done": "Cleaned", "customer_signature": "data:text/plain;base64,aGk="},
        format="json")
    assert response.status_code == 400 and "customer_signature" in response.json()
