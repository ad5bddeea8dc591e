"""Each completion is its own record; reopens keep history and mark repeat repairs only
inside seed 002's windows (issue 7 item 5). Times hand-computed in Asia/Shanghai;
2026-11-23 is a Monday; default calendar Mon–Fri 09:00–18:00."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from tests.factories import FaultCodeFactory
from tickets import choices, services
from tickets.models import ClockOutcome, Completion, Ticket, TicketEvent
from tickets.services.completions import repeat_window

SH = ZoneInfo("Asia/Shanghai")
SOFTWARE, HARDWARE = choices.FaultKind.SOFTWARE, choices.FaultKind.HARDWARE


def sh(d, hh, mm=0):
    return datetime(2026, 11, d, hh, mm, tzinfo=SH)


@pytest.fixture
def job(make_ticket, dispatcher, engineer):
    """job(kind, parts=..., done=...): a ticket of that fault kind worked and completed by `engineer`."""

    def make(kind=HARDWARE, *, parts=False, created=sh(23, 9), done=sh(23, 14)):
        ticket = make_ticket(now=created, fault_code=FaultCodeFactory(kind=kind))
        work(ticket, engineer, dispatcher, assigned=created + timedelta(minutes=30), done=done, parts=parts)
        return Ticket.objects.get(pk=ticket.pk)

    return make


def work(ticket, engineer, dispatcher, *, assigned, done, parts=False, outcome=choices.Outcome.REPAIRED):
    services.assign_ticket(ticket, engineer, by=dispatcher, now=assigned)
    services.arrive(ticket, by=engineer, now=assigned + timedelta(minutes=10))
    services.start_work(ticket, by=engineer, now=assigned + timedelta(minutes=15))
    return services.complete(ticket, by=engineer, now=done, outcome=outcome, work_done="Fixed",
                             parts_replaced=parts, parts_used="Board" if parts else "",
                             customer_confirmation="Mr. Li")


def test_completion_is_recorded_with_engineer_times_and_clock_results(job, engineer):
    ticket = job(HARDWARE, parts=True)
    completion = Completion.objects.get(ticket=ticket)
    assert (completion.sequence, completion.outcome, completion.engineer) == (1, choices.Outcome.REPAIRED, engineer)
    assert (completion.assigned_at, completion.started_at, completion.completed_at) == (
        sh(23, 9, 30), sh(23, 9, 45), sh(23, 14))
    assert (completion.fault_kind, completion.parts_replaced) == (HARDWARE, True)
    # response 09:00 → 09:30 met; arrival 09:30 → 09:40 met (20 min); completion 09:30 → 14:00 met (6 h).
    assert (completion.response_outcome, completion.arrival_outcome, completion.completion_outcome) == (
        ClockOutcome.MET, ClockOutcome.MET, ClockOutcome.MET)
    assert (completion.part_return_outcome, completion.callback_outcome) == ("", "")  # still running
    assert not completion.is_repeat and completion.repeat_of is None


def test_later_clocks_are_copied_onto_the_completion(job, spares_admin, quality):
    ticket = job(HARDWARE, parts=True)
    # Part return due: 14:00 + 6 working hours = Tue 11:00 (later than Mon 18:00); received Tue 12:00.
    services.receive_defective_part(ticket, by=spares_admin, now=sh(24, 12))
    # Callback due: 9 working hours from Mon 14:00 → Tue 14:00; called back Tue 13:00.
    services.close(ticket, by=quality, now=sh(24, 13), reason=choices.CloseReason.CALLBACK_DONE)
    completion = Completion.objects.get(ticket=ticket)
    assert (completion.part_return_outcome, completion.callback_outcome) == (ClockOutcome.BREACHED, ClockOutcome.MET)


def test_late_completion_is_recorded_as_breached(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(23, 9))
    work(ticket, engineer, dispatcher, assigned=sh(23, 9), done=sh(23, 16))  # due 15:00
    assert Completion.objects.get(ticket=ticket).completion_outcome == ClockOutcome.BREACHED


def test_software_fault_back_within_72_hours_is_a_repeat_of_that_engineers_job(
        job, agent, dispatcher, engineer, other_engineer):
    ticket = job(SOFTWARE, done=sh(23, 14))
    services.reopen(ticket, by=agent, now=sh(26, 14), reason="Crashes again")  # exactly 72 h later
    ticket.refresh_from_db()
    assert ticket.is_repeat
    first = Completion.objects.get(ticket=ticket, sequence=1)
    assert (first.reopened_at, first.failed, first.engineer) == (sh(26, 14), True, engineer)
    assert first.outcome == choices.Outcome.REPAIRED  # reopening does not overwrite the first completion
    assert TicketEvent.objects.filter(ticket=ticket, data__repeat_of_completion=first.pk).exists()
    work(ticket, other_engineer, dispatcher, assigned=sh(27, 9), done=sh(27, 11), outcome=choices.Outcome.REPLACED)
    second = Completion.objects.get(ticket=ticket, sequence=2)
    assert (second.engineer, second.outcome, second.is_repeat, second.repeat_of) == (
        other_engineer, choices.Outcome.REPLACED, True, first)
    first.refresh_from_db()
    assert (first.engineer, first.outcome, first.completed_at) == (engineer, choices.Outcome.REPAIRED, sh(23, 14))
    ticket.refresh_from_db()
    assert ticket.outcome == choices.Outcome.REPLACED  # Ticket.outcome is the latest work


def test_software_fault_back_after_72_hours_is_reopened_but_not_counted(job, agent):
    ticket = job(SOFTWARE, done=sh(23, 14))
    services.reopen(ticket, by=agent, now=sh(26, 14, 1), reason="Crashes again")
    ticket.refresh_from_db()
    first = Completion.objects.get(ticket=ticket)
    assert (ticket.status, ticket.is_repeat) == (choices.Status.NEW, False)
    assert (first.reopened_at, first.failed) == (sh(26, 14, 1), False)


def test_hardware_fault_without_parts_counts_for_seven_days(job, agent):
    inside, outside = job(HARDWARE), job(HARDWARE)
    services.reopen(inside, by=agent, now=sh(30, 14), reason="Dead again")  # 7 days to the minute
    services.reopen(outside, by=agent, now=sh(30, 14, 1), reason="Dead again")
    assert Ticket.objects.get(pk=inside.pk).is_repeat and not Ticket.objects.get(pk=outside.pk).is_repeat


def test_hardware_repair_with_a_part_replaced_is_never_counted_as_a_repeat(job, agent):
    ticket = job(HARDWARE, parts=True)
    services.reopen(ticket, by=agent, now=sh(24, 9), reason="Dead again")  # the next morning
    ticket.refresh_from_db()
    assert not ticket.is_repeat and not Completion.objects.get(ticket=ticket).failed


def test_repeat_windows_follow_seed_002():
    assert repeat_window(SOFTWARE, False) == repeat_window(SOFTWARE, True) == timedelta(hours=72)
    assert repeat_window(HARDWARE, False) == timedelta(days=7)
    assert repeat_window(HARDWARE, True) is None
    assert repeat_window("", False) == timedelta(hours=72)  # unknown kind: where both readings agree
    assert repeat_window("", True) is None


def test_first_time_fixes_and_repeats_per_engineer_in_sql(job, agent, engineer):
    fixed, failed, late = job(SOFTWARE), job(SOFTWARE), job(SOFTWARE)
    services.reopen(failed, by=agent, now=sh(24, 9), reason="Again")
    services.reopen(late, by=agent, now=sh(30, 9), reason="Again, much later")
    row = Completion.objects.filter(engineer=engineer).aggregate(
        done=Count("id"), first_time=Count("id", filter=Q(failed=False)), failed=Count("id", filter=Q(failed=True)))
    assert row == {"done": 3, "first_time": 2, "failed": 1}
    assert fixed.pk  # untouched


def test_reopen_of_a_ticket_completed_before_completion_records_creates_its_record(job, agent, engineer):
    ticket = job(SOFTWARE)
    Completion.objects.filter(ticket=ticket).delete()  # as before the migration
    services.reopen(ticket, by=agent, now=sh(24, 9), reason="Again")
    first = Completion.objects.get(ticket=ticket)
    assert (first.sequence, first.engineer, first.failed, first.completed_at) == (1, engineer, True, sh(23, 14))


def test_api_lists_completions_read_only(job, agent, api_client, dispatcher, engineer):
    ticket = job(SOFTWARE)
    services.reopen(ticket, by=agent, now=sh(24, 9), reason="Again")
    body = api_client(dispatcher).get(f"/api/tickets/{ticket.number}/").data
    assert [(c["sequence"], c["engineer"]["id"], c["outcome"], c["failed"]) for c in body["completions"]] == [
        (1, engineer.pk, "repaired", True)]
    assert body["completions"][0]["completion_outcome"] == "met"


def test_ticket_page_shows_completions_and_targets(job, agent, client, dispatcher, engineer, other_engineer):
    ticket = job(SOFTWARE)
    services.reopen(ticket, by=agent, now=sh(24, 9), reason="Again")
    work(ticket, other_engineer, dispatcher, assigned=sh(24, 10), done=sh(24, 12))
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_detail", args=[ticket.number])).content.decode()
    assert 'id="completion-1"' in html and 'id="completion-2"' in html
    assert "repeat of #1" in html and "failed repair" in html
    assert "Targets in force (Normal)" in html and "6h 00m" in html and "8h 00m" in html


def test_migration_backfills_completed_work_with_its_clock_results(job, engineer):
    from importlib import import_module

    from django.apps import apps

    ticket = job(HARDWARE, parts=True)
    Completion.objects.all().delete()  # as before the migration
    import_module("tickets.migrations.0007_urgent_policy_and_completion_history").backfill_completions(
        apps, None, batch=1)
    completion = Completion.objects.get(ticket=ticket)
    assert (completion.sequence, completion.engineer, completion.parts_replaced, completion.fault_kind) == (
        1, engineer, True, HARDWARE)
    assert (completion.completion_outcome, completion.callback_outcome) == (ClockOutcome.MET, "")
