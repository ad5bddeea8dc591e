"""Dispatch pages: the board, its actions, the depot bench page and field-job entry."""
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dispatch import services
from dispatch.models import BenchTest, DepotReceipt, EngineerProfile
from tests.factories import CustomerPhoneFactory
from tickets import choices, services as ticket_services
from tickets.models import Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def login(client, user):
    client.force_login(user)
    return client


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("role,code", [("dispatcher", 200), ("supervisor", 200), ("agent", 403),
                                       ("engineer", 403), ("manager", 403)])
def test_board_access_by_role(client, db, request, role, code):
    assert login(client, request.getfixturevalue(role)).get(reverse("dispatch:board")).status_code == code


def test_board_needs_login(client, db):
    assert client.get(reverse("dispatch:board")).status_code == 302


def test_board_shows_queue_and_lanes(client, dispatcher, engineer, make_ticket):
    services.profile_for(engineer)
    ticket = make_ticket()
    body = login(client, dispatcher).get(reverse("dispatch:board")).content.decode()
    assert ticket.number in body and 'data-engineer="%d"' % engineer.pk in body
    assert 'class="due due-' in body


def test_board_body_partial_refreshes_alone(client, dispatcher, make_ticket):
    make_ticket()
    response = login(client, dispatcher).get(reverse("dispatch:board_body"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<div id=\"board-body\"")
    assert "<html" not in html


def test_board_query_count_is_constant(client, dispatcher, engineer, other_engineer, make_ticket,
                                       django_assert_max_num_queries):
    for user in (engineer, other_engineer):
        services.profile_for(user)
    make_ticket()
    login(client, dispatcher)
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("dispatch:board_body"))
    for _ in range(15):
        ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=timezone.now())
        make_ticket()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("dispatch:board_body"))


def skilled(user, ticket):
    services.profile_for(user).product_lines.add(ticket.unit.model.product_line)
    return user


def test_assign_from_board(client, dispatcher, engineer, make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)  # issue 7 item 8: otherwise an override is needed
    response = login(client, dispatcher).post(reverse("dispatch:assign"),
                                              {"ticket": ticket.number, "engineer": engineer.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == engineer and ticket.status == "dispatched"


def test_second_assign_on_board_gets_a_clear_message(client, dispatcher, supervisor, engineer, other_engineer,
                                                     make_ticket):
    ticket = make_ticket()
    ticket_services.assign_ticket(ticket, engineer, by=supervisor, now=timezone.now())
    response = login(client, dispatcher).post(reverse("dispatch:assign"),
                                              {"ticket": ticket.number, "engineer": other_engineer.pk},
                                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "already assigned" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == engineer


def test_assign_with_bad_input_is_a_message_not_an_error(client, dispatcher, make_ticket):
    ticket = make_ticket()
    response = login(client, dispatcher).post(reverse("dispatch:assign"),
                                              {"ticket": ticket.number, "engineer": "999999"})
    assert response.status_code == 302 and texts(response)
    assert client.post(reverse("dispatch:assign"), {"ticket": "SR-NOPE", "engineer": ""}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_reassign_from_board_records_the_reason(client, dispatcher, engineer, other_engineer, make_ticket):
    ticket = make_ticket()
    ticket_services.assign_ticket(ticket, engineer, by=dispatcher, now=timezone.now())
    skilled(other_engineer, ticket)  # issue 7 item 8: otherwise an override is needed
    login(client, dispatcher).post(reverse("dispatch:reassign"), {
        "ticket": ticket.number, "engineer": other_engineer.pk, "expected_assignee": engineer.pk,
        "reason": "Closer to the customer"})
    ticket.refresh_from_db()
    assert ticket.assignee == other_engineer
    assert ticket.events.filter(kind="assignment", message="Closer to the customer").exists()


def test_engineer_sets_own_status_but_not_others(client, engineer, other_engineer):
    login(client, engineer).post(reverse("dispatch:set_status"), {"engineer": engineer.pk, "status": "off_duty"})
    assert EngineerProfile.objects.get(user=engineer).status == "off_duty"
    response = client.post(reverse("dispatch:set_status"), {"engineer": other_engineer.pk, "status": "off_duty"})
    assert "Only dispatchers" in " ".join(texts(response))
    assert not EngineerProfile.objects.filter(user=other_engineer, status="off_duty").exists()


@pytest.fixture
def depot_job(make_ticket, dispatcher, depot_engineer):
    ticket = make_ticket(service_type=choices.ServiceType.CARRY_IN)
    ticket_services.assign_ticket(ticket, depot_engineer, by=dispatcher, now=timezone.now())
    return ticket


def test_depot_page_receive_with_photo_then_test(client, depot_job, depot_engineer):
    login(client, depot_engineer)
    url = reverse("dispatch:depot_step", args=[depot_job.number, "receive"])
    photo = SimpleUploadedFile("front.png", PNG, content_type="image/png")
    assert client.post(url, {"condition": "Cracked corner", "photos": [photo]}).status_code == 302
    stored = DepotReceipt.objects.get(ticket=depot_job).photos.get()
    page = client.get(reverse("dispatch:depot", args=[depot_job.number])).content.decode()
    photo_url = reverse("dispatch:depot_photo", args=[depot_job.number, stored.pk])
    assert photo_url in page and "/media/" not in page
    shown = client.get(photo_url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    ticket_services.start_work(depot_job, by=depot_engineer, now=timezone.now())
    client.post(reverse("dispatch:depot_step", args=[depot_job.number, "test"]),
                {"kind": "fault", "result": "fault_confirmed"})
    assert BenchTest.objects.filter(ticket=depot_job).count() == 1
    assert client.get(reverse("dispatch:depot", args=[depot_job.number])).status_code == 200


def test_depot_page_rejects_a_fake_photo_next_to_the_field(client, depot_job, depot_engineer):
    login(client, depot_engineer)
    fake = SimpleUploadedFile("front.png", b"GIF89a nope", content_type="image/png")
    response = client.post(reverse("dispatch:depot_step", args=[depot_job.number, "receive"]),
                           {"condition": "OK", "photos": [fake]})
    assert response.status_code == 400 and "JPEG, PNG or PDF" in response.content.decode()
    assert not DepotReceipt.objects.exists()


def test_depot_refusal_is_shown_not_raised(client, depot_job, depot_engineer):
    login(client, depot_engineer)
    response = client.post(reverse("dispatch:depot_step", args=[depot_job.number, "test"]),
                           {"kind": "fault", "result": "fault_confirmed"})
    assert response.status_code == 400 and "Receive the unit" in response.content.decode()


def test_engineer_cannot_open_someone_elses_depot_job(client, depot_job, other_engineer):
    assert login(client, other_engineer).get(reverse("dispatch:depot", args=[depot_job.number])).status_code == 404


def test_field_job_page_by_engineer(client, engineer, unit, make_ticket, dispatcher):
    # The engineer had a job for this customer (field jobs only for customers of one's jobs).
    ticket_services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=timezone.now())
    phone = CustomerPhoneFactory(customer=unit.customer, raw="138 1234 5678")
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    response = login(client, engineer).post(reverse("dispatch:field_job"), {
        "engineer": engineer.pk, "customer_phone": phone.raw, "serial_number": unit.serial_number,
        "category": "repair", "service_type": "onsite", "fault_description": "Noisy fan",
        "received_at": (now - timedelta(hours=2)).strftime(fmt), "arrived_at": (now - timedelta(hours=2)).strftime(fmt),
        "completed_at": (now - timedelta(hours=1)).strftime(fmt), "outcome": "repaired",
        "work_done": "Cleaned fan", "customer_confirmation": "Mrs. Gao"})
    ticket = Ticket.objects.get(channel="field")
    assert response.status_code == 302 and ticket.status == "completed" and ticket.assignee == engineer


def test_field_job_page_shows_errors(client, engineer, unit):
    response = login(client, engineer).post(reverse("dispatch:field_job"), {
        "engineer": engineer.pk, "customer_phone": "000", "category": "repair", "service_type": "onsite",
        "fault_description": "x", "received_at": "2026-11-23T09:00", "completed_at": "2026-11-23T10:00"})
    html = response.content.decode()
    assert response.status_code == 400 and "Needed when the job was completed" in html
    assert not Ticket.objects.exists()


def test_field_job_page_forbidden_to_managers(client, manager):
    assert login(client, manager).get(reverse("dispatch:field_job")).status_code == 403
