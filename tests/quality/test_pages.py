"""Quality pages: who may open them, the forms post through the services, errors show
next to the fields, nothing answers 500."""
import pytest
from django.urls import reverse

from quality import services
from quality.models import Callback, Complaint, QaSample, QualityAlert, QualitySettings
from tests.factories import CustomerPhoneFactory
from tickets.choices import Status

from .conftest import at
from .test_alerts import repair
from .test_complaints import log

PAGES = ["quality:dashboard", "quality:callbacks", "quality:follow_ups", "quality:complaint_list",
         "quality:complaint_new", "quality:task_force", "quality:alert_list", "quality:repeats", "quality:qa_list",
         "quality:qa_results"]


@pytest.mark.parametrize("name", PAGES)
def test_quality_staff_open_every_page(client, quality, name):
    client.force_login(quality)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", [p for p in PAGES if p != "quality:task_force"])
def test_engineers_are_refused(client, engineer, name):
    client.force_login(engineer)
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(reverse("quality:dashboard")).status_code == 302


def test_settings_page_is_for_supervisors(client, quality, supervisor):
    client.force_login(quality)
    assert client.get(reverse("quality:settings")).status_code == 403
    client.force_login(supervisor)
    response = client.post(reverse("quality:settings"), {"batch_threshold": "4", "batch_window_days": "3",
                                                         "qa_sample_size": "2"})
    assert response.status_code == 302 and QualitySettings.current().batch_threshold == 4
    response = client.post(reverse("quality:settings"), {"batch_threshold": "1", "batch_window_days": "x",
                                                         "qa_sample_size": "2"})
    assert response.status_code == 200 and QualitySettings.current().batch_threshold == 4


def test_callback_queue_lists_completed_tickets_by_deadline_and_records_a_call(client, dispatcher, ticket_in):
    first, second = ticket_in(), ticket_in()
    client.force_login(dispatcher)
    page = client.get(reverse("quality:callbacks")).content.decode()
    assert page.index(first.number) < page.index(second.number)
    url = reverse("quality:callback_ticket", args=[first.number])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"result": "answered", "attitude": "5", "speed": "5"})
    assert bad.status_code == 200 and "Give a score from 1 to 5." in bad.content.decode()
    done = client.post(url, {"result": "answered", "attitude": "5", "speed": "5", "repair_quality": "4"})
    assert done.status_code == 302
    assert Callback.objects.get().ticket_id == first.pk
    assert first.number not in client.get(reverse("quality:callbacks")).content.decode()


def test_agent_makes_a_survey_link_shown_once(client, agent, completed):
    client.force_login(agent)
    response = client.post(reverse("quality:send_survey", args=[completed.number]), {"language": "en"}, follow=True)
    body = response.content.decode()
    assert f"/survey/{completed.number}/" in body
    again = client.get(reverse("quality:callback_ticket", args=[completed.number])).content.decode()
    assert f"/survey/{completed.number}/" not in again  # the token is not kept


def test_agent_logs_a_major_complaint_by_ticket_number_and_closes_it_step_by_step(
        client, agent, quality, supervisor, completed):
    client.force_login(agent)
    response = client.post(reverse("quality:complaint_new"), {
        "ticket": completed.number.lower(), "channel": "phone", "severity": "major", "category": "repair_quality",
        "description": "Still broken"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert complaint.task_force.filter(user=supervisor).exists()
    client.force_login(quality)
    steps = [("reply", {"note": "Engineer comes tomorrow"}),
             ("investigate", {"cause": "Worn roller not replaced", "responsibility": "staff"}),
             ("remedy", {"remedy": "Free replacement"}), ("acceptance", {"accepted": "yes"}),
             ("close", {"closing_summary": "Roller replaced", "prevention": "Check roller wear on every visit"})]
    for step, data in steps:
        response = client.post(reverse("quality:complaint_step", args=[complaint.pk, step]), data)
        assert response.status_code == 302, step
    complaint.refresh_from_db()
    assert complaint.status == "closed"


def test_complaint_form_errors_are_shown(client, agent):
    client.force_login(agent)
    response = client.post(reverse("quality:complaint_new"), {
        "ticket": "SR-0000-999999", "channel": "phone", "severity": "general", "category": "fees", "description": "x"})
    assert response.status_code == 200 and "No ticket with this number." in response.content.decode()
    response = client.post(reverse("quality:complaint_new"), {
        "phone": "139 9999 0000", "channel": "phone", "severity": "general", "category": "fees", "description": "x"})
    assert "No customer with this phone number." in response.content.decode()


def test_complaint_by_phone(client, agent):
    phone = CustomerPhoneFactory(raw="139 1234 5678")
    client.force_login(agent)
    client.post(reverse("quality:complaint_new"), {"phone": "+86 139-1234-5678", "channel": "phone",
                                                   "severity": "general", "category": "fees", "description": "x"})
    assert Complaint.objects.get().customer == phone.customer


def test_closing_step_out_of_order_shows_the_refusal(client, agent, quality):
    complaint = log(agent, at(0, 10))
    client.force_login(quality)
    response = client.post(reverse("quality:complaint_step", args=[complaint.pk, "close"]),
                           {"closing_summary": "x", "prevention": "y"})
    assert response.status_code == 200 and "Record these before closing" in response.content.decode()
    assert client.post(reverse("quality:complaint_step", args=[complaint.pk, "nonsense"])).status_code == 404


def test_task_force_page_and_hidden_complaints(client, agent, sales_lead):
    major, general = log(agent, at(0, 10), "major"), log(agent, at(0, 10))
    client.force_login(sales_lead)
    page = client.get(reverse("quality:task_force")).content.decode()
    assert major.number in page and general.number not in page
    assert client.get(major.get_absolute_url()).status_code == 200
    assert client.get(general.get_absolute_url()).status_code == 404
    assert client.post(reverse("quality:complaint_step", args=[major.pk, "reply"]), {"note": "x"}).status_code == 403
    assert Complaint.objects.get(pk=major.pk).replied_at is None


def test_alert_acknowledged_on_the_page(client, tech_support):
    for i in range(5):
        last = repair(*_model_fault(), at(0, 10 + i)) if i == 0 else repair(last.unit.model, last.fault_code,
                                                                             at(0, 10 + i))
    services.check_batch_failure(last.pk)
    alert = QualityAlert.objects.get()
    client.force_login(tech_support)
    assert last.number in client.get(reverse("quality:alert_list")).content.decode()
    client.post(reverse("quality:alert_acknowledge", args=[alert.pk]), {"findings": "Bad batch of rollers"})
    alert.refresh_from_db()
    assert alert.findings == "Bad batch of rollers"


def _model_fault():
    from tests.factories import FaultCodeFactory, ProductModelFactory

    return ProductModelFactory(), FaultCodeFactory()


def test_low_score_followed_up_on_the_page(client, dispatcher, quality, completed):
    callback = services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered",
                                        attitude=1, speed=4, repair_quality=4, comment="Rude")
    client.force_login(quality)
    assert "Rude" in client.get(reverse("quality:follow_ups")).content.decode()
    client.post(reverse("quality:follow_up", args=[callback.pk]), {"note": "Apologised"})
    callback.refresh_from_db()
    assert callback.follow_up_note == "Apologised"


def test_repeat_repairs_list_per_engineer_and_model_from_completion_records(client, quality, cast, ticket_in,
                                                                            clock):
    from datetime import timedelta

    from tickets import services as tickets

    repeat, late = ticket_in(Status.CLOSED), ticket_in(Status.CLOSED)
    tickets.reopen(repeat, by=cast.agent, now=clock.tick(), reason="Same fault")  # minutes later: a repeat
    tickets.reopen(late, by=cast.agent, now=clock.tick() + timedelta(days=10), reason="Came back much later")
    client.force_login(quality)
    page = client.get(reverse("quality:repeats")).content.decode()
    assert repeat.number in page and late.number not in page
    assert 'href="?engineer=engineer"' in page and f'href="?model={repeat.unit.model.code}"' in page
    filtered = client.get(reverse("quality:repeats") + "?engineer=nobody").content.decode()
    assert repeat.number not in filtered.split('id="repeat-table"')[1]


def test_qa_draw_and_score_on_the_pages(client, quality, ticket_in):
    ticket_in(Status.CLOSED)
    client.force_login(quality)
    client.post(reverse("quality:qa_list"), {"month": "2026-11"})
    sample = QaSample.objects.first()
    assert sample is not None
    response = client.post(reverse("quality:qa_score", args=[sample.pk]), {
        "call_handling": "4", "diagnosis": "4", "report_completeness": "5", "customer_care": "3"})
    assert response.status_code == 302
    assert "4.0" in client.get(reverse("quality:qa_results")).content.decode()


@pytest.mark.parametrize("query", ["?page=abc", "?month=garbage", "?person_role=boss", "?status=zzz&severity=x",
                                   "?acknowledged=maybe", "?ticket=%00",
                                   "?engineer=%00&model=%00&person=%00", "?overdue=1&ticket=" + "x" * 500])
def test_hostile_filters_never_fail(client, supervisor, query):
    client.force_login(supervisor)
    for name in ("quality:complaint_list", "quality:alert_list", "quality:qa_list", "quality:callbacks",
                 "quality:follow_ups", "quality:qa_results", "quality:repeats"):
        assert client.get(reverse(name) + query).status_code in (200, 400), name


def test_callbacks_queue_query_count(client, dispatcher, ticket_in, django_assert_max_num_queries):
    for _ in range(3):
        ticket_in()
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:callbacks")).status_code == 200
