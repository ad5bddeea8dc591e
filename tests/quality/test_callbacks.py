"""Satisfaction callbacks (issue 10 item 1) and the unreachable close (issue 7 item 4)."""
from datetime import timedelta

import pytest

from quality import services
from quality.choices import CallbackResult
from quality.models import Callback
from staff.models import Notification
from tickets import services as tickets
from tickets.choices import CloseReason, EventKind, Status
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed
from tickets.models import ClockKind, SlaClock, Ticket

from .conftest import at

GOOD = {"attitude": 5, "speed": 4, "repair_quality": 5}


def callback_clock(ticket):
    return SlaClock.objects.get(ticket=ticket, kind=ClockKind.CALLBACK, cycle=0)


def test_answered_callback_stops_the_clock_closes_the_ticket_and_is_an_event(completed, dispatcher):
    callback = services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered", **GOOD,
                                        comment="Happy")
    ticket = Ticket.objects.get(pk=completed.pk)
    assert (ticket.status, ticket.close_reason, ticket.closed_at) == (Status.CLOSED, CloseReason.CALLBACK_DONE,
                                                                      at(0, 15))
    clock = callback_clock(ticket)
    assert (clock.stopped_at, clock.outcome) == (at(0, 15), "met")
    assert (callback.attitude, callback.speed, callback.repair_quality, callback.is_low_score) == (5, 4, 5, False)
    event = ticket.events.filter(kind=EventKind.CALLBACK).get()
    assert event.at == at(0, 15) and event.data["result"] == "answered" and event.data["attempt"] == 1


def test_failed_attempt_keeps_the_ticket_waiting_and_records_time_and_result(completed, dispatcher):
    services.record_callback(completed, by=dispatcher, now=at(0, 15), result=CallbackResult.NO_ANSWER)
    ticket = Ticket.objects.get(pk=completed.pk)
    assert ticket.status == Status.COMPLETED
    attempt = Callback.objects.get(ticket=ticket)
    assert (attempt.result, attempt.attempted_at, attempt.working_day) == ("no_answer", at(0, 15), at(0, 15).date())
    assert attempt.attitude is None
    event = ticket.events.filter(kind=EventKind.CALLBACK).get()
    assert event.data == {"result": "no_answer", "channel": "phone", "attempt": 1, "callback": attempt.pk}


def test_a_late_first_attempt_records_the_callback_clock_as_breached(completed, dispatcher):
    # Completed Monday 09:40; one working day (9 h) → due Tuesday 09:40.
    assert callback_clock(completed).due_at == at(1, 9, 40)
    services.record_callback(completed, by=dispatcher, now=at(1, 11, 40), result="wrong_number")
    clock = callback_clock(completed)
    assert (clock.outcome, clock.overrun) == ("breached", timedelta(hours=2))


def test_attempt_on_a_saturday_is_not_a_working_day(completed, dispatcher):
    services.record_callback(completed, by=dispatcher, now=at(5, 10), result="no_answer")
    assert Callback.objects.get().working_day is None


def test_two_failed_attempts_on_different_working_days_lead_to_the_unreachable_close(completed, dispatcher):
    services.record_callback(completed, by=dispatcher, now=at(0, 15), result="no_answer")
    assert tickets.auto_close_unreachable(now=at(7, 10)) == 0  # one working day only
    services.record_callback(completed, by=dispatcher, now=at(1, 10), result="refused")
    assert tickets.auto_close_unreachable(now=at(2, 9)) == 0  # AUTO_CLOSE_DAYS (3) not over yet
    assert tickets.auto_close_unreachable(now=at(3, 10)) == 1
    ticket = Ticket.objects.get(pk=completed.pk)
    assert (ticket.status, ticket.close_reason) == (Status.CLOSED, CloseReason.CUSTOMER_UNREACHABLE)


@pytest.mark.parametrize("scores, field", [
    ({"attitude": 5, "speed": 5}, "repair_quality"),
    ({"attitude": 0, "speed": 5, "repair_quality": 5}, "attitude"),
    ({"attitude": 5, "speed": 6, "repair_quality": 5}, "speed"),
    ({"attitude": "x", "speed": 5, "repair_quality": 5}, "attitude"),
])
def test_answered_callback_needs_three_scores_from_1_to_5(scores, field, completed, dispatcher):
    with pytest.raises(InvalidFields) as refusal:
        services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered", **scores)
    assert field in refusal.value.errors
    assert not Callback.objects.exists()


def test_unknown_result_is_refused(completed, dispatcher):
    with pytest.raises(InvalidFields):
        services.record_callback(completed, by=dispatcher, now=at(0, 15), result="maybe")


def test_callback_before_completion_is_refused(ticket_in, dispatcher):
    ticket = ticket_in(Status.IN_PROGRESS)
    with pytest.raises(TransitionNotAllowed):
        services.record_callback(ticket, by=dispatcher, now=at(0, 15), result="answered", **GOOD)


def test_engineer_may_not_record_callbacks(completed, engineer):
    with pytest.raises(PermissionDenied):
        services.record_callback(completed, by=engineer, now=at(0, 15), result="no_answer")


def test_low_score_opens_a_follow_up_for_quality_staff(completed, dispatcher, quality, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        callback = services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered",
                                            attitude=2, speed=5, repair_quality=5)
    assert callback.is_low_score
    note = Notification.objects.get(recipient=quality)
    assert completed.number in note.title and note.link == "/quality/follow-ups/"
    services.follow_up(callback, by=quality, now=at(0, 16), note="Called back, apologised, gave a voucher.")
    callback.refresh_from_db()
    assert (callback.follow_up_done_at, callback.follow_up_by) == (at(0, 16), quality)
    with pytest.raises(TransitionNotAllowed):
        services.follow_up(callback, by=quality, now=at(0, 17), note="again")


def test_three_is_not_a_low_score(completed, dispatcher):
    callback = services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered",
                                        attitude=3, speed=3, repair_quality=3)
    assert not callback.is_low_score


def test_follow_up_needs_a_note_and_the_permission(completed, dispatcher, quality):
    callback = services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered",
                                        attitude=1, speed=1, repair_quality=1)
    with pytest.raises(InvalidFields):
        services.follow_up(callback, by=quality, now=at(0, 16), note="  ")
    with pytest.raises(PermissionDenied):
        services.follow_up(callback, by=dispatcher, now=at(0, 16), note="done")


def test_second_answered_callback_for_the_same_cycle_is_refused(completed, dispatcher):
    services.record_callback(completed, by=dispatcher, now=at(0, 15), result="answered", **GOOD)
    with pytest.raises(TransitionNotAllowed):
        services.record_callback(completed, by=dispatcher, now=at(0, 16), result="answered", **GOOD)
