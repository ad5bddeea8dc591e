"""Quality API: callbacks, surveys, complaints, quality-alerts, qa-samples; per-role
permissions, 400/409 for bad input and refused transitions, in the schema."""
import pytest

from quality.models import Complaint, QaSample, QualityAlert
from quality.services import check_batch_failure
from tickets.choices import Status

from .test_alerts import repair
from .test_complaints import log
from .conftest import at

RESOURCES = ["callbacks", "surveys", "complaints", "quality-alerts", "qa-samples"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_quality_staff_list_every_resource(api_client, quality, resource):
    assert api_client(quality).get(f"/api/{resource}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_engineers_are_refused(api_client, engineer, resource):
    assert api_client(engineer).get(f"/api/{resource}/").status_code == 403


def test_anonymous_is_refused(client):
    assert client.get("/api/complaints/").status_code == 401


def test_record_callbacks(api_client, dispatcher, completed):
    api = api_client(dispatcher)
    response = api.post("/api/callbacks/", {"ticket": completed.number, "result": "no_answer"}, format="json")
    assert response.status_code == 201 and response.data["result"] == "no_answer"
    bad = api.post("/api/callbacks/", {"ticket": completed.number, "result": "answered", "attitude": 9},
                   format="json")
    assert bad.status_code == 400 and "attitude" in bad.data
    missing = api.post("/api/callbacks/", {"ticket": completed.number, "result": "answered", "attitude": 4},
                       format="json")
    assert missing.status_code == 400 and "speed" in missing.data
    done = api.post("/api/callbacks/", {"ticket": completed.number, "result": "answered", "attitude": 4,
                                        "speed": 4, "repair_quality": 5}, format="json")
    assert done.status_code == 201
    again = api.post("/api/callbacks/", {"ticket": completed.number, "result": "no_answer"}, format="json")
    assert again.status_code == 409
    assert api.get(f"/api/callbacks/?ticket={completed.number}").data["results"][0]["result"] == "answered"


def test_survey_link_url_is_returned_once(api_client, agent, completed):
    api = api_client(agent)
    made = api.post("/api/surveys/", {"ticket": completed.number, "language": "en"}, format="json")
    assert made.status_code == 201 and f"/survey/{completed.number}/" in made.data["url"]
    listed = api.get("/api/surveys/").data["results"][0]
    assert "url" not in listed and listed["state"] == "active"
    assert api.post("/api/surveys/", {"ticket": completed.number, "language": "fr"}, format="json").status_code == 400


def test_survey_for_an_open_ticket_is_a_conflict(api_client, agent, ticket_in):
    ticket = ticket_in(Status.DISPATCHED)
    assert api_client(agent).post("/api/surveys/", {"ticket": ticket.number}, format="json").status_code == 409


def test_complaint_lifecycle(api_client, agent, quality, completed):
    api = api_client(agent)
    made = api.post("/api/complaints/", {"customer": completed.customer_id, "ticket": completed.number,
                                         "channel": "phone", "severity": "major", "category": "delay",
                                         "description": "Waited a week"}, format="json")
    assert made.status_code == 201 and made.data["number"].startswith("C-")
    pk = made.data["id"]
    q = api_client(quality)
    assert q.post(f"/api/complaints/{pk}/close/", {"summary": "x", "prevention": "y"},
                  format="json").status_code == 409
    for step, data in [("reply", {"note": "Sorry"}), ("investigate", {"cause": "Parts", "responsibility": "logistics"}),
                       ("remedy", {"remedy": "Voucher"}), ("acceptance", {"accepted": True}),
                       ("close", {"summary": "Late parts", "prevention": "Stock rollers"})]:
        response = q.post(f"/api/complaints/{pk}/{step}/", data, format="json")
        assert response.status_code == 200, (step, response.data)
    assert response.data["status"] == "closed" and response.data["responsibility"] == "logistics"
    assert q.post(f"/api/complaints/{pk}/investigate/", {"cause": "x", "responsibility": "moon"},
                  format="json").status_code == 400


def test_complaint_bad_input(api_client, agent):
    response = api_client(agent).post("/api/complaints/", {"customer": 2**70, "channel": "fax", "severity": "x",
                                                           "category": "y", "description": ""}, format="json")
    assert response.status_code == 400
    assert {"customer", "channel", "severity", "category", "description"} <= set(response.data)


def test_sales_lead_sees_only_task_force_complaints(api_client, agent, sales_lead):
    major, general = log(agent, at(0, 10), "major"), log(agent, at(0, 10))
    api = api_client(sales_lead)
    ids = [row["id"] for row in api.get("/api/complaints/").data["results"]]
    assert ids == [major.pk]
    assert api.get(f"/api/complaints/{general.pk}/").status_code == 404
    assert api.post(f"/api/complaints/{major.pk}/reply/", {"note": "x"}, format="json").status_code == 403


def test_alerts_filter_and_acknowledge(api_client, tech_support, agent):
    from tests.factories import FaultCodeFactory, ProductModelFactory

    model, fault = ProductModelFactory(), FaultCodeFactory()
    for i in range(5):
        last = repair(model, fault, at(0, 10 + i))
    check_batch_failure(last.pk)
    alert = QualityAlert.objects.get()
    api = api_client(tech_support)
    assert api.get("/api/quality-alerts/?acknowledged=false").data["results"][0]["ticket_count"] == 5
    assert api_client(agent).post(f"/api/quality-alerts/{alert.pk}/acknowledge/", {"findings": "x"},
                                  format="json").status_code == 403
    done = api.post(f"/api/quality-alerts/{alert.pk}/acknowledge/", {"findings": "Roller batch"}, format="json")
    assert done.status_code == 200 and done.data["findings"] == "Roller batch"
    assert api.post(f"/api/quality-alerts/{alert.pk}/acknowledge/", {"findings": "x"},
                    format="json").status_code == 409
    assert api.get("/api/quality-alerts/?acknowledged=false").data["results"] == []


def test_qa_draw_and_score(api_client, quality, manager, ticket_in):
    ticket_in(Status.CLOSED)
    api = api_client(quality)
    assert api.post("/api/qa-samples/draw/", {"month": "2026-11"}, format="json").data == {"drawn": 2}
    assert api.post("/api/qa-samples/draw/", {"month": "nope"}, format="json").status_code == 400
    sample = QaSample.objects.first()
    scored = api.post(f"/api/qa-samples/{sample.pk}/score/", {"call_handling": 5, "diagnosis": 4,
                                                               "report_completeness": 4, "customer_care": 5},
                      format="json")
    assert scored.status_code == 200 and scored.data["scored_at"]
    assert api_client(manager).get("/api/qa-samples/?scored=true").data["results"][0]["id"] == sample.pk
    assert api_client(manager).post(f"/api/qa-samples/{sample.pk}/score/", {}, format="json").status_code == 403


def test_schema_lists_the_quality_resources(client):
    from django.core.management import call_command
    import io

    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in ("/api/callbacks/", "/api/surveys/", "/api/complaints/{id}/close/", "/api/quality-alerts/",
                 "/api/qa-samples/draw/"):
        assert path in schema


def test_list_query_counts(api_client, quality, agent, django_assert_max_num_queries):
    for i in range(3):
        log(agent, at(0, 10), "major")
    with django_assert_max_num_queries(8):
        assert api_client(quality).get("/api/complaints/").status_code == 200
    assert Complaint.objects.count() == 3
