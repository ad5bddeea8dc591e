"""Complaints (issue 10 item 3): reply deadlines in the business calendar, the task
force of a major complaint, the reply sweep (exactly once), the investigation steps."""
from datetime import timedelta

import pytest
import time_machine

from quality import deadlines, services
from quality.models import Complaint, ComplaintEscalation, TaskForceMember
from quality.selectors import visible_complaints
from quality.tasks import complaint_sweep
from staff.models import Notification
from tests.factories import CustomerFactory, UserFactory
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed

from .conftest import at


def log(by, now, severity="general", customer=None, ticket=None, **kw):
    return services.create_complaint(
        by=by, now=now, customer=customer or (ticket.customer if ticket else CustomerFactory()), ticket=ticket,
        channel="phone", severity=severity, category=kw.pop("category", "attitude"),
        description=kw.pop("description", "Rude on the phone"), **kw)


@pytest.mark.parametrize("severity, logged, due", [
    ("general", at(0, 10), at(1, 10)),  # one working day (9 h): Monday 10:00 → Tuesday 10:00
    ("general", at(4, 17), at(7, 17)),  # Friday 17:00 → next Monday 17:00 (weekend skipped)
    ("major", at(0, 10), at(0, 14)),  # four working hours
    ("major", at(0, 16), at(1, 11)),  # 16–18 Monday, 09–11 Tuesday
    ("major", at(5, 12), at(7, 13)),  # logged Saturday: counts from Monday 09:00
])
def test_reply_due_in_working_time(severity, logged, due, agent):
    complaint = log(agent, logged, severity)
    assert complaint.reply_due_at == due


def test_general_complaint_has_no_task_force(agent, supervisor):
    complaint = log(agent, at(0, 10))
    assert not complaint.task_force.exists()


def test_major_complaint_forms_the_task_force_and_notifies_it_at_once(
        agent, supervisor, sales_lead, engineer, ticket_in, django_capture_on_commit_callbacks):
    ticket = ticket_in()  # assigned to `engineer`, completed
    with django_capture_on_commit_callbacks(execute=True):
        complaint = log(agent, at(0, 12), "major", ticket=ticket)
    seats = dict(TaskForceMember.objects.filter(complaint=complaint).values_list("user__username", "role"))
    assert seats == {"supervisor": "supervisor", "engineer": "engineer", "sales": "sales_lead"}
    for user in (supervisor, sales_lead, engineer):
        note = Notification.objects.get(recipient=user)
        assert note.kind == "escalation" and note.link == complaint.get_absolute_url()
    assert not Notification.objects.filter(recipient=agent).exists()


def test_task_force_members_see_their_complaint_and_nothing_else(agent, sales_lead, supervisor):
    major = log(agent, at(0, 12), "major")
    log(agent, at(0, 12), "general")
    assert list(visible_complaints(sales_lead)) == [major]
    assert visible_complaints(supervisor).count() == 2


def test_reply_sweep_raises_each_level_once_and_catches_up(agent, supervisor, manager, quality):
    complaint = log(agent, at(0, 10), "major", owner=quality)  # due 14:00; warn 13:00; level 2 at 18:00
    assert (complaint.reply_warn_at, complaint.reply_level2_at) == (at(0, 13), at(0, 18))
    assert deadlines.sweep(now=at(0, 12, 59)) == 0
    assert deadlines.sweep(now=at(0, 13)) == 1
    assert Notification.objects.filter(recipient=quality, kind="warning").count() == 1
    assert deadlines.sweep(now=at(1, 9)) == 2  # downtime: level 1 and level 2 at once
    assert deadlines.sweep(now=at(1, 10)) == 0
    assert set(ComplaintEscalation.objects.values_list("level", flat=True)) == {"warning", "level_1", "level_2"}
    assert Notification.objects.filter(recipient=supervisor, title__startswith="Level 1").count() == 1
    assert Notification.objects.filter(recipient=manager, kind="escalation").count() == 1
    assert Complaint.objects.get().next_due_at is None


def test_a_second_raise_of_the_same_level_is_a_no_op(agent):
    complaint = log(agent, at(0, 10), "major")
    assert deadlines.sweep(now=at(0, 13)) == 1
    Complaint.objects.filter(pk=complaint.pk).update(raised=0, next_due_at=at(0, 13))  # a retried task
    assert deadlines.sweep(now=at(0, 13)) == 0
    assert ComplaintEscalation.objects.count() == 1


def test_reply_in_time_stops_the_clock(agent, quality):
    complaint = log(agent, at(0, 10), "major")
    services.record_reply(complaint, by=quality, now=at(0, 12), note="Called, apologised, engineer tomorrow")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reply_breached, complaint.next_due_at) == ("replied", False, None)
    assert deadlines.sweep(now=at(3, 10)) == 0


def test_late_reply_records_by_how_much_in_working_time(agent, quality):
    complaint = log(agent, at(0, 16), "major")  # due Tuesday 11:00
    services.record_reply(complaint, by=quality, now=at(1, 12, 30), note="Sorry for the wait")
    complaint.refresh_from_db()
    assert (complaint.reply_breached, complaint.reply_overrun) == (True, timedelta(hours=1, minutes=30))


def test_beat_task_reads_the_clock(agent):
    log(agent, at(0, 10), "major")
    with time_machine.travel(at(0, 13, 5), tick=False):
        assert complaint_sweep() == 1
        assert complaint_sweep() == 0


def test_closing_needs_every_step_and_a_summary_with_prevention(agent, quality):
    complaint = log(agent, at(0, 10))
    with pytest.raises(TransitionNotAllowed):
        services.close_complaint(complaint, by=quality, now=at(0, 11), summary="x", prevention="y")
    with pytest.raises(TransitionNotAllowed):
        services.record_acceptance(complaint, by=quality, now=at(0, 11), accepted=True)
    services.record_reply(complaint, by=quality, now=at(0, 11), note="We are looking into it")
    services.record_investigation(complaint, by=quality, now=at(0, 12), cause="Engineer was overbooked",
                                  responsibility="staff")
    services.record_remedy(complaint, by=quality, now=at(0, 13), remedy="Free cleaning")
    services.record_acceptance(complaint, by=quality, now=at(0, 14), accepted=True)
    with pytest.raises(InvalidFields):
        services.close_complaint(complaint, by=quality, now=at(0, 15), summary="Done", prevention=" ")
    services.close_complaint(complaint, by=quality, now=at(0, 15), summary="Overbooking; apologised",
                             prevention="Cap of 6 jobs per engineer")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.responsibility, complaint.customer_accepted, complaint.closed_by) == (
        "closed", "staff", True, quality)
    with pytest.raises(TransitionNotAllowed):
        services.record_remedy(complaint, by=quality, now=at(0, 16), remedy="more")


@pytest.mark.parametrize("field, kwargs", [
    ("severity", {"severity": "huge"}),
    ("description", {"description": "  "}),
    ("category", {"category": "weather"}),
])
def test_bad_input_is_refused_per_field(field, kwargs, agent):
    severity = kwargs.pop("severity", "general")
    with pytest.raises(InvalidFields) as refusal:
        log(agent, at(0, 10), severity, **kwargs)
    assert field in refusal.value.errors


def test_source_ticket_must_belong_to_the_customer(agent, ticket_in):
    with pytest.raises(InvalidFields):
        log(agent, at(0, 10), ticket=ticket_in(), customer=CustomerFactory())


def test_who_may_log_and_handle(agent, engineer, sales_lead, quality):
    with pytest.raises(PermissionDenied):
        log(engineer, at(0, 10))
    complaint = log(agent, at(0, 10), "major")
    with pytest.raises(PermissionDenied):
        services.record_reply(complaint, by=sales_lead, now=at(0, 11), note="hi")
    services.record_reply(complaint, by=agent, now=at(0, 11), note="Agent handles ordinary complaints too")


def test_investigation_rejects_an_unknown_responsibility(agent, quality):
    complaint = log(agent, at(0, 10))
    with pytest.raises(InvalidFields):
        services.record_investigation(complaint, by=quality, now=at(0, 11), cause="x", responsibility="weather")


def test_inactive_supervisors_are_not_on_the_task_force(agent):
    UserFactory(username="old-boss", roles=["supervisor"], is_active=False)
    complaint = log(agent, at(0, 10), "major")
    assert not complaint.task_force.filter(user__username="old-boss").exists()
