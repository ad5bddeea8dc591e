"""Dispatch endpoints: engineers (list, filters, status, query count), suggestions, the
depot bench (receive, tests, return) and field jobs entered afterwards."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch import services
from dispatch.models import BenchTest, DepotPhoto, DepotReceipt, EngineerProfile, EngineerStatus
from staff import roles
from tests.factories import ProductLineFactory, UserFactory
from tickets import choices
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, tzinfo=SH)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
ENGINEERS = "/api/engineers/"
FIELD_JOBS = "/api/field-jobs/"


# --- engineers ----------------------------------------------------------------------------

def test_dispatcher_lists_engineers_with_skills_and_load(api_client, dispatcher, engineer, make_ticket):
    line = ProductLineFactory(code="printers")
    profile = services.profile_for(engineer)
    profile.product_lines.add(line)
    ticket_services.assign_ticket(make_ticket(now=T0), engineer, by=dispatcher, now=T0)
    rows = api_client(dispatcher).get(ENGINEERS).data
    row = next(r for r in rows if r["id"] == engineer.pk)
    assert row["username"] == "engineer"
    assert row["full_name"] == engineer.get_full_name()
    assert row["product_lines"] == ["printers"]
    assert row["load"] == 1
    assert (row["status"], row["area"], row["does_onsite"], row["does_depot"]) == ("available", "urban", True, False)


@pytest.mark.parametrize("role, code", [("agent", 403), ("tech_support", 403), ("engineer", 200),
                                        ("supervisor", 200)])
def test_engineer_list_needs_view_engineerprofile(api_client, role, code, request):
    assert api_client(request.getfixturevalue(role)).get(ENGINEERS).status_code == code


def test_engineer_list_filters(api_client, dispatcher, engineer, other_engineer, depot_engineer):
    services.profile_for(engineer).product_lines.add(ProductLineFactory(code="tv"))
    other = services.profile_for(other_engineer)
    other.area, other.status = choices.Area.REMOTE, EngineerStatus.OFF_DUTY
    other.save()
    depot = services.profile_for(depot_engineer)
    depot.does_onsite, depot.does_depot = False, True
    depot.save()
    client = api_client(dispatcher)

    def ids(**params):
        return {row["id"] for row in client.get(ENGINEERS, params).data}

    assert ids(status="off_duty") == {other_engineer.pk}
    assert ids(area="remote") == {other_engineer.pk}
    assert ids(product_line="tv") == {engineer.pk}
    assert ids(service_type="carry_in") == {depot_engineer.pk}
    assert ids(service_type="onsite") == {engineer.pk, other_engineer.pk}


@pytest.mark.parametrize("params, field", [({"status": "asleep"}, "status"), ({"area": "moon"}, "area"),
                                           ({"product_line": "nope"}, "product_line")])
def test_bad_engineer_filters_are_400_naming_the_filter(api_client, dispatcher, params, field):
    response = api_client(dispatcher).get(ENGINEERS, params)
    assert response.status_code == 400
    assert field in response.data


def _engineers(count, dispatcher, make_ticket):
    for _ in range(count):
        user = UserFactory(roles=[roles.ONSITE_ENGINEER])
        services.profile_for(user).product_lines.add(ProductLineFactory())
        ticket_services.assign_ticket(make_ticket(now=T0), user, by=dispatcher, now=T0)


def test_engineer_list_query_count_does_not_grow(api_client, dispatcher, make_ticket, django_assert_max_num_queries):
    client = api_client(dispatcher)
    _engineers(3, dispatcher, make_ticket)
    client.get(ENGINEERS)  # warm the permission cache
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(ENGINEERS).data) == 3
    _engineers(27, dispatcher, make_ticket)
    with django_assert_max_num_queries(len(few)):
        rows = client.get(ENGINEERS).data
    assert len(rows) == 30 and {row["load"] for row in rows} == {1}


def test_retrieve_engineer_by_user_id(api_client, dispatcher, engineer, agent):
    services.profile_for(engineer)
    client = api_client(dispatcher)
    assert client.get(f"{ENGINEERS}{engineer.pk}/").data["username"] == "engineer"
    assert client.get(f"{ENGINEERS}{agent.pk}/").status_code == 404


def status_url(user):
    return f"{ENGINEERS}{user.pk}/status/"


def test_engineer_sets_own_status(api_client, engineer):
    response = api_client(engineer).post(status_url(engineer), {"status": "off_duty"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "off_duty" and response.data["status_changed_at"] is not None
    assert EngineerProfile.objects.get(user=engineer).status == EngineerStatus.OFF_DUTY


def test_engineer_cannot_set_someone_elses_status(api_client, engineer, other_engineer):
    response = api_client(engineer).post(status_url(other_engineer), {"status": "off_duty"}, format="json")
    assert response.status_code == 403
    assert not EngineerProfile.objects.filter(user=other_engineer, status=EngineerStatus.OFF_DUTY).exists()


def test_dispatcher_sets_any_engineers_status(api_client, dispatcher, other_engineer):
    response = api_client(dispatcher).post(status_url(other_engineer), {"status": "on_job"}, format="json")
    assert response.status_code == 200
    assert EngineerProfile.objects.get(user=other_engineer).status == EngineerStatus.ON_JOB


def test_unknown_status_is_400_on_the_field(api_client, dispatcher, engineer):
    response = api_client(dispatcher).post(status_url(engineer), {"status": "asleep"}, format="json")
    assert response.status_code == 400
    assert "status" in response.data


def test_status_of_a_non_engineer_is_404_and_agents_get_403(api_client, dispatcher, agent, engineer):
    assert api_client(dispatcher).post(status_url(agent), {"status": "off_duty"}, format="json").status_code == 404
    assert not EngineerProfile.objects.filter(user=agent).exists()
    assert api_client(agent).post(status_url(engineer), {"status": "off_duty"}, format="json").status_code == 403


# --- suggestions ----------------------------------------------------------------------------

SUGGESTIONS = f"{ENGINEERS}suggestions/"


def test_suggestions_put_the_skilled_available_engineer_first(api_client, dispatcher, engineer, other_engineer,
                                                              depot_engineer, make_ticket):
    # Issue 7 item 8: only engineers who fit without an override are suggested (the
    # unskilled one was suggested last before); the ranking is explained in words.
    ticket = make_ticket(now=T0)
    line = ticket.unit.model.product_line
    services.profile_for(engineer).product_lines.add(line)
    farther = services.profile_for(other_engineer)
    farther.area = choices.Area.SUBURBAN
    farther.save()
    farther.product_lines.add(line)
    services.profile_for(depot_engineer).product_lines.add(line)  # depot only: not for onsite
    unskilled = services.profile_for(UserFactory(username="engineer3", roles=["onsite_engineer"]))
    response = api_client(dispatcher).get(SUGGESTIONS, {"ticket": ticket.number})
    assert response.status_code == 200
    assert [row["engineer"]["id"] for row in response.data] == [engineer.pk, other_engineer.pk]
    assert unskilled.user_id not in [row["engineer"]["id"] for row in response.data]
    assert response.data[0]["reasons"] == ["skill", "area", "available"]
    assert response.data[0]["score"] > response.data[1]["score"]
    assert response.data[0]["explanation"] == [
        f"has the {line.name} skill", "works in the customer's area (Urban)", "available now", "0 open jobs"]
    assert "works in another area (Suburban)" in response.data[1]["explanation"]
    chinese = api_client(dispatcher).get(SUGGESTIONS, {"ticket": ticket.number}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.data[0]["explanation"][2] != "available now"


def test_suggestions_need_a_known_ticket_and_the_board(api_client, dispatcher, engineer, make_ticket):
    client = api_client(dispatcher)
    missing = client.get(SUGGESTIONS)
    assert missing.status_code == 400 and "ticket" in missing.data
    assert client.get(SUGGESTIONS, {"ticket": "SR-1999-000001"}).status_code == 404
    assert api_client(engineer).get(SUGGESTIONS, {"ticket": make_ticket(now=T0).number}).status_code == 403


# --- depot bench ----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def depot_ticket(make_ticket, dispatcher, depot_engineer):
    ticket = make_ticket(now=T0, service_type=choices.ServiceType.CARRY_IN)
    ticket_services.assign_ticket(ticket, depot_engineer, by=dispatcher, now=T0)
    return ticket


def depot_url(ticket, step=""):
    return f"/api/depot/{ticket.number}/" + (f"{step}/" if step else "")


def png(name="front.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def receive(client, ticket, **fields):
    body = {"condition": "Scratched lid", "accessories": "Charger", **fields}
    return client.post(depot_url(ticket, "receive"), body, format="multipart")


def test_depot_engineer_receives_a_unit_with_photos(api_client, depot_engineer, depot_ticket):
    client = api_client(depot_engineer)
    before = client.get(depot_url(depot_ticket)).data
    assert (before["ticket"], before["receipt"], before["tests"]) == (depot_ticket.number, None, [])
    response = receive(client, depot_ticket, photos=[png(), png("back.png")])
    assert response.status_code == 201, response.data
    receipt = response.data["receipt"]
    assert (receipt["condition"], receipt["accessories"]) == ("Scratched lid", "Charger")
    assert receipt["received_by"]["id"] == depot_engineer.pk
    assert len(receipt["photos"]) == 2
    photo = DepotPhoto.objects.filter(receipt__ticket=depot_ticket).order_by("pk").first()
    assert receipt["photos"][0]["image"] == f"http://testserver/api/depot/{depot_ticket.number}/photos/{photo.pk}/"
    download = client.get(receipt["photos"][0]["image"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_a_photo_is_only_served_with_its_own_ticket(api_client, depot_engineer, depot_ticket, make_ticket,
                                                    other_engineer):
    client = api_client(depot_engineer)
    receive(client, depot_ticket, photos=[png()])
    photo = DepotPhoto.objects.get(receipt__ticket=depot_ticket)
    other = make_ticket(service_type=choices.ServiceType.CARRY_IN)
    assert client.get(f"/api/depot/{other.number}/photos/{photo.pk}/").status_code == 404
    assert api_client(other_engineer).get(
        f"/api/depot/{depot_ticket.number}/photos/{photo.pk}/").status_code in (403, 404)


def test_receiving_twice_is_a_conflict(api_client, depot_engineer, depot_ticket):
    client = api_client(depot_engineer)
    assert receive(client, depot_ticket).status_code == 201
    again = receive(client, depot_ticket)
    assert again.status_code == 409
    assert DepotReceipt.objects.filter(ticket=depot_ticket).count() == 1


def test_fake_png_is_400_on_photos_and_nothing_is_written(api_client, depot_engineer, depot_ticket):
    response = receive(api_client(depot_engineer), depot_ticket, photos=[png("evil.png", b"MZ\x90\x00 not a png")])
    assert response.status_code == 400
    assert "photos" in response.data
    assert not DepotReceipt.objects.exists()


def test_receive_without_condition_is_400_on_the_field(api_client, depot_engineer, depot_ticket):
    response = receive(api_client(depot_engineer), depot_ticket, condition="")
    assert response.status_code == 400 and "condition" in response.data


def test_depot_bench_of_an_invisible_ticket_is_404(api_client, other_engineer, depot_ticket):
    client = api_client(other_engineer)
    assert client.get(depot_url(depot_ticket)).status_code == 404
    assert receive(client, depot_ticket).status_code == 404


def test_roles_off_the_bench_may_look_but_not_receive(api_client, agent, depot_ticket):
    client = api_client(agent)
    assert client.get(depot_url(depot_ticket)).status_code == 200
    assert receive(client, depot_ticket).status_code == 403


def test_onsite_ticket_does_not_go_through_the_depot(api_client, dispatcher, make_ticket):
    response = receive(api_client(dispatcher), make_ticket(now=T0))
    assert response.status_code == 409


@pytest.fixture
def on_bench(depot_ticket, depot_engineer):
    services.receive_unit(depot_ticket, by=depot_engineer, now=T0, condition="OK")
    return ticket_services.start_work(depot_ticket, by=depot_engineer, now=T0 + timedelta(minutes=1))


def test_bench_tests_are_recorded_in_order(api_client, depot_engineer, on_bench):
    client = api_client(depot_engineer)
    first = client.post(depot_url(on_bench, "tests"), {"kind": "fault", "result": "fault_confirmed",
                                                       "notes": "No POST"}, format="json")
    assert first.status_code == 201, first.data
    second = client.post(depot_url(on_bench, "tests"), {"kind": "post_repair", "result": "passed"}, format="json")
    tests = second.data["tests"]
    assert [(t["kind"], t["result"]) for t in tests] == [("fault", "fault_confirmed"), ("post_repair", "passed")]
    assert tests[0]["notes"] == "No POST" and tests[0]["tested_by"]["id"] == depot_engineer.pk


def test_result_of_another_test_is_400_invalid(api_client, depot_engineer, on_bench):
    response = api_client(depot_engineer).post(depot_url(on_bench, "tests"), {"kind": "fault", "result": "passed"},
                                               format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert not BenchTest.objects.exists()


@pytest.mark.parametrize("body, field", [({"kind": "smell", "result": "passed"}, "kind"),
                                         ({"kind": "fault", "result": "meh"}, "result"), ({}, "kind")])
def test_unknown_test_values_are_400_on_the_field(api_client, depot_engineer, on_bench, body, field):
    response = api_client(depot_engineer).post(depot_url(on_bench, "tests"), body, format="json")
    assert response.status_code == 400 and field in response.data


def test_testing_before_receiving_is_a_conflict(api_client, depot_engineer, depot_ticket):
    response = api_client(depot_engineer).post(depot_url(depot_ticket, "tests"),
                                               {"kind": "fault", "result": "fault_confirmed"}, format="json")
    assert response.status_code == 409


def test_return_by_courier_needs_tracking_then_succeeds(api_client, depot_engineer, on_bench):
    ticket_services.complete(on_bench, by=depot_engineer, now=T0 + timedelta(hours=1), outcome="no_fault_found",
                             work_done="Tested", customer_confirmation="Phone")
    client = api_client(depot_engineer)
    refused = client.post(depot_url(on_bench, "return"), {"method": "courier"}, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "invalid"
    unknown = client.post(depot_url(on_bench, "return"), {"method": "drone"}, format="json")
    assert unknown.status_code == 400 and "method" in unknown.data
    response = client.post(depot_url(on_bench, "return"), {"method": "courier", "tracking": "SF123"}, format="json")
    assert response.status_code == 200
    receipt = response.data["receipt"]
    assert (receipt["return_method"], receipt["return_tracking"]) == ("courier", "SF123")
    assert receipt["returned_at"] is not None and receipt["returned_by"]["id"] == depot_engineer.pk


def test_return_before_the_job_is_finished_is_a_conflict(api_client, depot_engineer, on_bench):
    response = api_client(depot_engineer).post(depot_url(on_bench, "return"), {"method": "pickup"}, format="json")
    assert response.status_code == 409


# --- field jobs ------------------------------------------------------------------------------

@pytest.fixture
def after_t0(time_machine, make_ticket, dispatcher, engineer, unit):
    """Field jobs may be back-dated at most BACKDATE_LIMIT_DAYS: enter them shortly after T0.
    The engineer already had a job for this customer (an engineer may enter field jobs only
    for customers of their own jobs, issue 8 item 6)."""
    earlier = make_ticket(now=T0 - timedelta(days=1))
    ticket_services.assign_ticket(earlier, engineer, by=dispatcher, now=T0 - timedelta(days=1))
    time_machine.move_to(T0 + timedelta(hours=5), tick=True)

def field_job(unit, engineer, **overrides):
    body = {"engineer": engineer.pk, "customer": unit.customer.pk, "unit": unit.pk, "category": "repair",
            "service_type": "onsite", "fault_description": "Paper jam", "received_at": T0.isoformat(),
            "arrived_at": (T0 + timedelta(minutes=10)).isoformat(),
            "started_at": (T0 + timedelta(minutes=12)).isoformat(),
            "completion": {"outcome": "repaired", "work_done": "Cleared", "customer_confirmation": "Mr. Ma",
                           "at": (T0 + timedelta(hours=1)).isoformat()}}
    body.update(overrides)
    return body


def test_engineer_enters_own_field_job_with_real_times(api_client, engineer, unit, after_t0):
    response = api_client(engineer).post(FIELD_JOBS, field_job(unit, engineer), format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert (body["channel"], body["status"], body["assignee"]["id"]) == ("field", "completed", engineer.pk)
    assert datetime.fromisoformat(body["created_at"]) == T0
    assert datetime.fromisoformat(body["completed_at"]) == T0 + timedelta(hours=1)
    assert body["service_report"]["work_done"] == "Cleared"


def test_dispatcher_enters_a_field_job_on_the_engineers_behalf(api_client, dispatcher, engineer, unit, after_t0):
    body = field_job(unit, engineer, completion=None, started_at=None)
    response = api_client(dispatcher).post(FIELD_JOBS, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "in_progress"
    ticket = Ticket.objects.get(number=response.data["number"])
    arrival = ticket.events.get(data__action="arrive")
    assert arrival.actor == dispatcher and arrival.on_behalf_of == engineer


def test_field_job_times_out_of_order_are_400(api_client, engineer, unit, after_t0):
    body = field_job(unit, engineer, arrived_at=(T0 - timedelta(minutes=5)).isoformat())
    response = api_client(engineer).post(FIELD_JOBS, body, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert not unit.tickets.filter(channel="field").exists()


def test_field_job_in_the_future_is_400_on_the_field(api_client, engineer, unit):
    future = (datetime.now(SH) + timedelta(days=1)).isoformat()
    response = api_client(engineer).post(FIELD_JOBS, field_job(unit, engineer, received_at=future,
                                                                arrived_at=None, started_at=None, completion=None),
                                         format="json")
    assert response.status_code == 400 and "received_at" in response.data


def test_field_job_input_errors_are_per_field(api_client, engineer, agent, unit, after_t0):
    client = api_client(engineer)
    empty = client.post(FIELD_JOBS, {}, format="json")
    assert empty.status_code == 400
    assert {"engineer", "customer", "category", "service_type", "fault_description", "received_at"} <= set(empty.data)
    no_time = field_job(unit, engineer, completion={"outcome": "repaired", "work_done": "x",
                                                    "customer_confirmation": "y"})
    assert "at" in client.post(FIELD_JOBS, no_time, format="json").data["completion"]
    assert "engineer" in client.post(FIELD_JOBS, field_job(unit, agent), format="json").data


def test_engineer_cannot_enter_a_field_job_for_someone_else(api_client, engineer, other_engineer, unit, after_t0):
    response = api_client(engineer).post(FIELD_JOBS, field_job(unit, other_engineer), format="json")
    assert response.status_code == 403
    assert not unit.tickets.filter(channel="field").exists()


@pytest.mark.parametrize("role", ["tech_support", "manager", "quality"])
def test_roles_that_neither_log_nor_work_tickets_get_403(api_client, engineer, unit, role, request, after_t0):
    response = api_client(request.getfixturevalue(role)).post(FIELD_JOBS, field_job(unit, engineer), format="json")
    assert response.status_code == 403
