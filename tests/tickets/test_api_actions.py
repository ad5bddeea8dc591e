"""Lifecycle actions of the ticket endpoint: each one's happy path, the role that may
not do it (403), the state it cannot happen in (409) and input it refuses (400)."""
import pytest
from django.utils import timezone

from tests.factories import UserFactory
from staff import roles
from tickets import choices, services
from tickets.models import TicketEvent
from tests.factories import vendor_for_tests

pytestmark = pytest.mark.django_db
REPORT = {"outcome": "repaired", "work_done": "Replaced the fuse", "parts_used": "F-1 fuse",
          "parts_replaced": True, "customer_confirmation": "Li Lei"}


def url(ticket, action):
    return f"/api/tickets/{ticket.number}/{action}/"


def post(client, ticket, action, body=None):
    return client.post(url(ticket, action), body or {}, format="json")


@pytest.fixture
def dispatched(make_ticket, dispatcher, engineer, now):
    return services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)


@pytest.fixture
def in_progress(dispatched, engineer, now):
    return services.arrive(dispatched, by=engineer, now=now)


@pytest.fixture
def completed(in_progress, engineer, now):
    return services.complete(in_progress, by=engineer, now=now, **REPORT)


# --- assign / reassign ----------------------------------------------------------------

def skilled(user, ticket):
    from dispatch.services import profile_for

    profile_for(user).product_lines.add(ticket.unit.model.product_line)


def test_dispatcher_assigns_new_ticket(api_client, dispatcher, engineer, make_ticket):
    ticket = make_ticket()
    skilled(engineer, ticket)  # issue 7 item 8: otherwise an override is needed
    response = post(api_client(dispatcher), ticket, "assign", {"assignee": engineer.pk, "travel_minutes": 15})
    assert response.status_code == 200, response.data
    assert response.data["status"] == "dispatched"
    assert response.data["assignee"]["id"] == engineer.pk
    assert response.data["travel_minutes"] == 15


def test_agent_cannot_assign(api_client, agent, engineer, make_ticket):
    ticket = make_ticket()
    assert post(api_client(agent), ticket, "assign", {"assignee": engineer.pk}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_second_assign_of_assigned_ticket_is_a_conflict(api_client, dispatcher, other_engineer, dispatched):
    response = post(api_client(dispatcher), dispatched, "assign", {"assignee": other_engineer.pk})
    assert response.status_code == 409
    assert response.data["code"] == "conflict"
    dispatched.refresh_from_db()
    assert dispatched.assignee.username == "engineer"


@pytest.mark.parametrize("assignee", ["x", [1], 10**20, None, -1])
def test_assign_garbage_assignee_is_400_on_the_field(api_client, dispatcher, make_ticket, assignee):
    response = post(api_client(dispatcher), make_ticket(), "assign", {"assignee": assignee})
    assert response.status_code == 400
    assert "assignee" in response.data


def test_assign_to_non_engineer_is_400(api_client, dispatcher, agent, make_ticket):
    response = post(api_client(dispatcher), make_ticket(), "assign", {"assignee": agent.pk})
    assert response.status_code == 400
    assert "assignee" in response.data


def test_assign_travel_estimate_out_of_range_is_400(api_client, dispatcher, engineer, make_ticket):
    response = post(api_client(dispatcher), make_ticket(), "assign", {"assignee": engineer.pk, "travel_minutes": 5000})
    assert response.status_code == 400
    assert "travel_minutes" in response.data


def test_reassign_moves_the_job_and_records_the_reason(api_client, dispatcher, engineer, other_engineer, dispatched):
    skilled(other_engineer, dispatched)  # issue 7 item 8: otherwise an override is needed
    body = {"assignee": other_engineer.pk, "reason": "Closer to site", "expected_assignee": engineer.pk}
    response = post(api_client(dispatcher), dispatched, "reassign", body)
    assert response.status_code == 200, response.data
    assert response.data["assignee"]["id"] == other_engineer.pk
    assert TicketEvent.objects.filter(ticket=dispatched, message="Closer to site").exists()


def test_reassign_with_stale_expected_assignee_is_a_conflict(api_client, dispatcher, other_engineer, dispatched):
    body = {"assignee": other_engineer.pk, "reason": "Closer", "expected_assignee": other_engineer.pk}
    response = post(api_client(dispatcher), dispatched, "reassign", body)
    assert response.status_code == 409


def test_reassign_without_reason_is_400(api_client, dispatcher, engineer, other_engineer, dispatched):
    response = post(api_client(dispatcher), dispatched, "reassign", {"assignee": other_engineer.pk})
    assert response.status_code == 400
    assert {"reason", "expected_assignee"} <= set(response.data)


def test_reassign_of_new_ticket_is_409(api_client, dispatcher, other_engineer, make_ticket):
    body = {"assignee": other_engineer.pk, "reason": "x", "expected_assignee": None}
    assert post(api_client(dispatcher), make_ticket(), "reassign", body).status_code == 409


# --- the engineer's job ---------------------------------------------------------------

def test_engineer_arrives_on_own_job(api_client, engineer, dispatched):
    response = post(api_client(engineer), dispatched, "arrive")
    assert response.status_code == 200
    assert response.data["status"] == "in_progress"
    assert response.data["arrived_at"] is not None


def test_dispatcher_records_arrival_on_behalf_with_real_time(api_client, dispatcher, engineer, make_ticket, now):
    hour = timezone.timedelta(hours=1)
    ticket = services.assign_ticket(make_ticket(now=now - 3 * hour), engineer, by=dispatcher, now=now - 2 * hour)
    at = (now - hour).replace(microsecond=0)
    response = post(api_client(dispatcher), ticket, "arrive", {"at": at.isoformat()})
    assert response.status_code == 200
    event = TicketEvent.objects.filter(ticket=ticket, to_status="in_progress").get()
    assert (event.on_behalf_of, event.actor) == (engineer, dispatcher)
    ticket.refresh_from_db()
    assert ticket.arrived_at == at


def test_other_engineer_gets_404_on_someone_elses_job(api_client, other_engineer, dispatched):
    assert post(api_client(other_engineer), dispatched, "arrive").status_code == 404


def test_agent_cannot_record_arrival(api_client, agent, dispatched):
    assert post(api_client(agent), dispatched, "arrive").status_code == 403


@pytest.mark.parametrize("at", ["yesterday", "2026-13-45T99:00", 12, ["2026-01-01"]])
def test_arrive_with_malformed_time_is_400(api_client, engineer, dispatched, at):
    response = post(api_client(engineer), dispatched, "arrive", {"at": at})
    assert response.status_code == 400
    assert "at" in response.data


def test_arrival_in_the_future_is_400(api_client, engineer, dispatched):
    future = timezone.now() + timezone.timedelta(hours=2)
    response = post(api_client(engineer), dispatched, "arrive", {"at": future.isoformat()})
    assert response.status_code == 400
    assert "at" in response.data


def test_arrival_before_assignment_is_400_with_a_message(api_client, engineer, dispatched):
    early = dispatched.assigned_at - timezone.timedelta(hours=1)
    response = post(api_client(engineer), dispatched, "arrive", {"at": early.isoformat()})
    assert response.status_code == 400
    assert response.data["code"] == "invalid"


def test_arriving_twice_is_409(api_client, engineer, in_progress):
    response = post(api_client(engineer), in_progress, "arrive")
    assert response.status_code == 409
    assert response.data["code"] == "transition_not_allowed"


def test_start_then_start_again_is_409(api_client, engineer, dispatched):
    client = api_client(engineer)
    response = post(client, dispatched, "start")
    assert response.status_code == 200
    assert response.data["started_at"] is not None
    assert post(client, dispatched, "start").status_code == 409


def test_hold_and_resume(api_client, engineer, in_progress):
    client = api_client(engineer)
    held = post(client, in_progress, "hold", {"reason": "awaiting_parts", "note": "PSU ordered"})
    assert held.status_code == 200
    assert (held.data["status"], held.data["hold_reason"]) == ("on_hold", "awaiting_parts")
    resumed = post(client, in_progress, "resume")
    assert resumed.status_code == 200
    assert (resumed.data["status"], resumed.data["hold_reason"]) == ("in_progress", "")


@pytest.mark.parametrize("reason", ["coffee_break", "", 5, None])
def test_hold_with_unknown_reason_is_400(api_client, engineer, in_progress, reason):
    response = post(api_client(engineer), in_progress, "hold", {"reason": reason})
    assert response.status_code == 400
    assert "reason" in response.data


def test_resume_of_a_running_job_is_409(api_client, engineer, in_progress):
    assert post(api_client(engineer), in_progress, "resume").status_code == 409


def test_vendor_round_trip_by_spares_admin(api_client, spares_admin, in_progress):
    """Sending to a vendor opens the RMA (issue 9): vendor and reason required, carrier and
    tracking number optional (both or neither); the unit's return closes the RMA."""
    client = api_client(spares_admin)
    vendor = vendor_for_tests()
    missing = post(client, in_progress, "send-to-vendor", {"note": "RMA 42"})
    assert missing.status_code == 400 and {"vendor", "reason"} <= set(missing.data)
    half = post(client, in_progress, "send-to-vendor", {"vendor": vendor.pk, "reason": "Dead board", "carrier": "SF"})
    assert half.status_code == 400 and "tracking_number" in half.data
    assert post(client, in_progress, "send-to-vendor", {"vendor": "abc", "reason": "x"}).status_code == 400
    sent = post(client, in_progress, "send-to-vendor", {"vendor": vendor.pk, "reason": "Dead board",
                                                        "carrier": "SF Express", "tracking_number": "SF1"})
    assert sent.status_code == 200, sent.data
    assert (sent.data["status"], sent.data["sent_to_vendor_at"] is not None) == ("at_vendor", True)
    rma = in_progress.rmas.get()
    assert (rma.status, rma.vendor, rma.tracking_number) == ("shipped", vendor, "SF1")
    assert set(rma.milestones.values_list("kind", flat=True)) == {"shipped", "receipt", "day_7", "day_15", "day_30"}
    back = post(client, in_progress, "unit-back", {"note": "Board swapped"})
    assert back.status_code == 200
    assert back.data["status"] == "in_progress"
    rma.refresh_from_db()
    assert (rma.status, rma.return_note) == ("returned", "Board swapped")


def test_send_to_vendor_before_work_started_is_409(api_client, spares_admin, dispatched):
    body = {"vendor": vendor_for_tests().pk, "reason": "Dead board"}
    assert post(api_client(spares_admin), dispatched, "send-to-vendor", body).status_code == 409
    assert not dispatched.rmas.exists()


def test_unit_back_when_not_at_vendor_is_409(api_client, spares_admin, in_progress):
    assert post(api_client(spares_admin), in_progress, "unit-back").status_code == 409


def test_quality_cannot_send_to_vendor(api_client, quality, in_progress):
    assert post(api_client(quality), in_progress, "send-to-vendor").status_code == 403


# --- completion -----------------------------------------------------------------------

def test_complete_with_service_report(api_client, engineer, in_progress):
    response = post(api_client(engineer), in_progress, "complete", REPORT)
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["outcome"]) == ("completed", "repaired")
    assert response.data["service_report"]["work_done"] == "Replaced the fuse"
    assert response.data["service_report"]["parts_replaced"] is True


def test_complete_with_empty_body_lists_each_missing_field(api_client, engineer, in_progress):
    response = post(api_client(engineer), in_progress, "complete", {})
    assert response.status_code == 400
    assert {"outcome", "work_done", "customer_confirmation"} <= set(response.data)
    in_progress.refresh_from_db()
    assert in_progress.status == "in_progress"


@pytest.mark.parametrize("changes, field", [
    ({"outcome": "answered"}, "outcome"),
    ({"outcome": "exploded"}, "outcome"),
    ({"work_done": "   "}, "work_done"),
    ({"parts_replaced": "maybe"}, "parts_replaced"),
    ({"customer_confirmation": "x" * 500}, "customer_confirmation"),
    ({"work_done": "x" * 100_000}, "work_done"),
])
def test_complete_with_bad_report_is_400_on_the_field(api_client, engineer, in_progress, changes, field):
    response = post(api_client(engineer), in_progress, "complete", {**REPORT, **changes})
    assert response.status_code == 400
    assert field in response.data


def test_complete_before_arrival_is_409(api_client, engineer, dispatched):
    assert post(api_client(engineer), dispatched, "complete", REPORT).status_code == 409


# --- close, cancel, reopen, resolve ------------------------------------------------------

def test_close_after_callback(api_client, quality, completed):
    response = post(api_client(quality), completed, "close", {"reason": "callback_done"})
    assert response.status_code == 200
    assert (response.data["status"], response.data["close_reason"]) == ("closed", "callback_done")


def test_close_of_running_job_is_409(api_client, agent, in_progress):
    assert post(api_client(agent), in_progress, "close", {"reason": "callback_done"}).status_code == 409


@pytest.mark.parametrize("reason", ["resolved_at_intake", "bored", ""])
def test_close_with_wrong_reason_is_400(api_client, agent, completed, reason):
    response = post(api_client(agent), completed, "close", {"reason": reason})
    assert response.status_code == 400
    assert "reason" in response.data


def test_engineer_cannot_close(api_client, engineer, completed):
    assert post(api_client(engineer), completed, "close", {"reason": "callback_done"}).status_code == 403


def test_agent_cancels_new_ticket(api_client, agent, make_ticket):
    response = post(api_client(agent), make_ticket(), "cancel", {"reason": "Duplicate call"})
    assert response.status_code == 200
    assert (response.data["status"], response.data["cancel_reason"]) == ("cancelled", "Duplicate call")


def test_cancel_without_reason_is_400(api_client, agent, make_ticket):
    response = post(api_client(agent), make_ticket(), "cancel", {"reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.data


def test_cancel_of_completed_ticket_is_409(api_client, agent, completed):
    assert post(api_client(agent), completed, "cancel", {"reason": "x"}).status_code == 409


def test_cancel_of_committed_paid_repair_is_409(api_client, agent, in_progress, engineer, now):
    services.start_work(in_progress, by=engineer, now=now)
    in_progress.__class__.objects.filter(pk=in_progress.pk).update(quote_accepted_at=now)
    response = post(api_client(agent), in_progress, "cancel", {"reason": "Too expensive"})
    assert response.status_code == 409
    assert "cannot be cancelled" in response.data["detail"]


@pytest.mark.parametrize("user", ["engineer", "manager", "tech_support"])
def test_roles_without_cancel_get_403(api_client, make_ticket, dispatcher, engineer, now, user, request):
    ticket = services.assign_ticket(make_ticket(), engineer, by=dispatcher, now=now)
    assert post(api_client(request.getfixturevalue(user)), ticket, "cancel", {"reason": "x"}).status_code == 403


def test_reopen_completed_repair(api_client, agent, completed):
    # A software fault back within 72 h: a repeat repair (issue 7 item 5).
    completed.completions.update(fault_kind="software")
    response = post(api_client(agent), completed, "reopen", {"reason": "No power again"})
    assert response.status_code == 200
    body = response.data
    assert (body["status"], body["is_repeat"], body["reopen_count"], body["assignee"]) == ("new", True, 1, None)


def test_reopen_of_new_ticket_is_409(api_client, agent, make_ticket):
    assert post(api_client(agent), make_ticket(), "reopen", {"reason": "x"}).status_code == 409


def test_engineer_cannot_reopen(api_client, engineer, completed):
    assert post(api_client(engineer), completed, "reopen", {"reason": "x"}).status_code == 403


def test_agent_resolves_inquiry_at_intake(api_client, agent, make_ticket):
    inquiry = make_ticket(unit=None, category=choices.Category.INQUIRY)
    response = post(api_client(agent), inquiry, "resolve", {"answer": "Hold the reset button for 10 s"})
    assert response.status_code == 200
    body = response.data
    assert (body["status"], body["outcome"], body["close_reason"]) == ("closed", "answered", "resolved_at_intake")


def test_resolving_a_repair_at_intake_is_409(api_client, agent, make_ticket):
    assert post(api_client(agent), make_ticket(), "resolve", {"answer": "x"}).status_code == 409


def test_resolve_without_answer_is_400(api_client, agent, make_ticket):
    inquiry = make_ticket(unit=None, category=choices.Category.INQUIRY)
    response = post(api_client(agent), inquiry, "resolve", {})
    assert response.status_code == 400
    assert "answer" in response.data


def test_dispatcher_cannot_resolve_at_intake(api_client, dispatcher, make_ticket):
    inquiry = make_ticket(unit=None, category=choices.Category.INQUIRY)
    assert post(api_client(dispatcher), inquiry, "resolve", {"answer": "x"}).status_code == 403


# --- notes, priority, defective part ------------------------------------------------------

def test_engineer_adds_note_to_own_job(api_client, engineer, dispatched):
    response = post(api_client(engineer), dispatched, "notes", {"message": "Customer asks to call first"})
    assert response.status_code == 200
    assert response.data["number"] == dispatched.number
    note = TicketEvent.objects.get(ticket=dispatched, kind="note")
    assert (note.message, note.actor) == ("Customer asks to call first", engineer)


def test_empty_note_is_400(api_client, agent, make_ticket):
    response = post(api_client(agent), make_ticket(), "notes", {"message": ""})
    assert response.status_code == 400
    assert "message" in response.data


def test_manager_is_read_only(api_client, manager, make_ticket):
    ticket = make_ticket()
    assert post(api_client(manager), ticket, "notes", {"message": "hi"}).status_code == 403
    assert api_client(manager).get(url(ticket, "events")).status_code == 200


def test_dispatcher_changes_priority(api_client, dispatcher, make_ticket):
    ticket = make_ticket()
    response = post(api_client(dispatcher), ticket, "priority", {"priority": "critical", "reason": "VIP"})
    assert response.status_code == 200
    assert response.data["priority"] == "critical"


def test_agent_cannot_change_priority(api_client, agent, make_ticket):
    assert post(api_client(agent), make_ticket(), "priority", {"priority": "critical"}).status_code == 403


def test_unknown_priority_is_400(api_client, dispatcher, make_ticket):
    response = post(api_client(dispatcher), make_ticket(), "priority", {"priority": "whenever"})
    assert response.status_code == 400
    assert "priority" in response.data


def test_part_received_without_part_due_is_409(api_client, spares_admin, make_ticket):
    assert post(api_client(spares_admin), make_ticket(), "part-received").status_code == 409


def test_part_received_after_onsite_completion_with_parts(api_client, spares_admin, completed):
    response = post(api_client(spares_admin), completed, "part-received", {"note": "Fuse back"})
    assert response.status_code == 200
    returned = [c for c in response.data["clocks"] if c["kind"] == "part_return"]
    assert returned and returned[0]["stopped_at"] is not None


# --- bodies that are not what an action expects -----------------------------------------------

@pytest.mark.parametrize("action", ["assign", "reassign", "hold", "complete", "close", "cancel", "reopen",
                                    "resolve", "notes", "priority"])
def test_empty_body_is_400_not_500(api_client, make_ticket, action):
    superuser = UserFactory(username="root", is_superuser=True, roles=[roles.SUPERVISOR])
    response = post(api_client(superuser), make_ticket(), action, {})
    assert response.status_code == 400


@pytest.mark.parametrize("body", ['["a list"]', "not json", '{"reason": {"nested": 1}}', '"just a string"'])
def test_malformed_json_is_400(api_client, agent, make_ticket, body):
    client = api_client(agent)
    response = client.post(url(make_ticket(), "cancel"), body, content_type="application/json")
    assert response.status_code == 400
