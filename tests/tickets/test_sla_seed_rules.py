"""Seed 002's clock rules as issue 7 items 1, 2, 3 and 6 state them, with hand-computed
times. Default calendar (data migration): Mon–Fri 09:00–18:00 Asia/Shanghai, no lunch
break; normal/urgent count working time, critical runs 24×7. 2026-11-23 is a Monday."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.services import receive_unit
from tickets import choices, escalations, services
from tickets.models import ClockKind, ClockOutcome, Escalation, EscalationLevel, SlaClock, SlaPolicy, TicketEvent

SH = ZoneInfo("Asia/Shanghai")


def sh(d, hh, mm=0, month=11):
    return datetime(2026, month, d, hh, mm, tzinfo=SH)


def clock(ticket, kind, cycle=0):
    return SlaClock.objects.get(ticket=ticket, kind=kind, cycle=cycle)


def times(c):
    return c.warn_at, c.due_at, c.level2_at


def escalated(ticket, kind):
    return sorted(Escalation.objects.filter(ticket=ticket, clock__kind=kind).values_list("level", flat=True))


# --- item 1: a late special circumstance does not erase a breach ----------------------------

@pytest.fixture
def worked(make_ticket, dispatcher, engineer):
    """Assigned Monday 09:00 (completion due 15:00), engineer on site at 09:15."""
    ticket = make_ticket(now=sh(23, 8, 30))
    services.assign_ticket(ticket, engineer, by=dispatcher, now=sh(23, 9))
    services.arrive(ticket, by=engineer, now=sh(23, 9, 15))
    return ticket


def test_hold_after_the_completion_deadline_keeps_the_six_hour_target_and_the_breach(worked, engineer, supervisor):
    assert escalations.sweep(now=sh(23, 15)) == 2  # completion warning (13:30) and level 1 (15:00)
    services.hold(worked, by=engineer, now=sh(23, 16), reason=choices.HoldReason.AWAITING_PARTS)
    completion = clock(worked, ClockKind.COMPLETION)
    assert (completion.target, completion.due_at) == (timedelta(hours=6), sh(23, 15))
    worked.refresh_from_db()
    assert worked.special_circumstance == "" and worked.completion_due_at == sh(23, 15)
    late = TicketEvent.objects.get(ticket=worked, kind=choices.EventKind.UPDATE, data__late=True)
    assert "after the completion deadline (2026-11-23 15:00)" in late.message and "breach stands" in late.message
    services.resume(worked, by=engineer, now=sh(23, 16, 30))
    services.complete(worked, by=engineer, now=sh(23, 17), outcome=choices.Outcome.REPAIRED,
                      work_done="Fitted the part", customer_confirmation="Mr. Li")
    completion.refresh_from_db()
    assert (completion.outcome, completion.overrun) == (ClockOutcome.BREACHED, timedelta(hours=2))
    assert escalated(worked, ClockKind.COMPLETION) == [EscalationLevel.LEVEL_1, EscalationLevel.WARNING]


def test_hold_a_minute_before_the_deadline_still_extends_to_eight_hours(worked, engineer):
    services.hold(worked, by=engineer, now=sh(23, 14, 59), reason=choices.HoldReason.CUSTOMER_REASON)
    completion = clock(worked, ClockKind.COMPLETION)
    # 8 h from 09:00 → 17:00; warning at 6 h → 15:00; level 2 at 16 h → Mon 9 h + Tue 7 h = Tue 16:00.
    assert times(completion) == (sh(23, 15), sh(23, 17), sh(24, 16))
    worked.refresh_from_db()
    assert worked.special_circumstance == choices.HoldReason.CUSTOMER_REASON


def test_hold_exactly_at_the_deadline_is_late(worked, engineer):
    services.hold(worked, by=engineer, now=sh(23, 15), reason=choices.HoldReason.HOLIDAY)
    assert clock(worked, ClockKind.COMPLETION).due_at == sh(23, 15)


# --- item 2: depot completion starts when the unit arrives -----------------------------------

@pytest.fixture
def mail_in(make_ticket):
    return make_ticket(now=sh(23, 9), service_type=choices.ServiceType.MAIL_IN)


def test_mail_in_unit_with_the_courier_raises_nothing_on_completion(mail_in, dispatcher, depot_engineer):
    services.assign_ticket(mail_in, depot_engineer, by=dispatcher, now=sh(23, 9, 30))
    assert clock(mail_in, ClockKind.RESPONSE).outcome == ClockOutcome.MET  # response still runs from intake
    assert not SlaClock.objects.filter(ticket=mail_in, kind=ClockKind.COMPLETION).exists()
    assert escalations.sweep(now=sh(25, 9)) == 0  # two days with the courier: no warning, no level 1 or 2
    mail_in.refresh_from_db()
    assert mail_in.completion_due_at is None and not mail_in.sla_breached


def test_mail_in_completion_clock_starts_at_receipt(mail_in, dispatcher, depot_engineer):
    services.assign_ticket(mail_in, depot_engineer, by=dispatcher, now=sh(23, 9, 30))
    receive_unit(mail_in, by=depot_engineer, now=sh(25, 10), condition="Box dented")
    completion = clock(mail_in, ClockKind.COMPLETION)
    # Wed 10:00 + 6 h = 16:00; warning 4.5 h → 14:30; level 2 12 h → Wed 8 h + Thu 4 h = Thu 13:00.
    assert completion.started_at == sh(25, 10)
    assert times(completion) == (sh(25, 14, 30), sh(25, 16), sh(26, 13))
    mail_in.refresh_from_db()
    assert (mail_in.unit_received_at, mail_in.completion_due_at) == (sh(25, 10), sh(25, 16))


def test_carry_in_received_before_assignment_starts_at_assignment(make_ticket, dispatcher, depot_engineer):
    ticket = make_ticket(now=sh(23, 9), service_type=choices.ServiceType.CARRY_IN)
    receive_unit(ticket, by=depot_engineer, now=sh(23, 9, 10), condition="Good")
    assert not SlaClock.objects.filter(ticket=ticket, kind=ClockKind.COMPLETION).exists()
    assert clock(ticket, ClockKind.RESPONSE).is_running  # receiving is not a response
    services.assign_ticket(ticket, depot_engineer, by=dispatcher, now=sh(23, 10))
    assert clock(ticket, ClockKind.COMPLETION).due_at == sh(23, 16)


def test_unit_received_while_on_hold_gets_the_special_target(mail_in, dispatcher, depot_engineer):
    services.assign_ticket(mail_in, depot_engineer, by=dispatcher, now=sh(23, 9, 30))
    services.hold(mail_in, by=depot_engineer, now=sh(23, 10), reason=choices.HoldReason.CUSTOMER_REASON)
    receive_unit(mail_in, by=depot_engineer, now=sh(24, 9), condition="Good")
    assert clock(mail_in, ClockKind.COMPLETION).due_at == sh(24, 17)  # 8 h from Tue 09:00


# --- item 3: part return and callback in working time ---------------------------------------

def _complete_onsite(ticket, engineer, dispatcher, *, assigned, done, parts=True):
    services.assign_ticket(ticket, engineer, by=dispatcher, now=assigned)
    services.arrive(ticket, by=engineer, now=assigned + timedelta(minutes=10))
    return services.complete(ticket, by=engineer, now=done, outcome=choices.Outcome.REPAIRED, work_done="Board",
                             parts_replaced=parts, parts_used="Main board", customer_confirmation="Mr. Li")


def test_part_return_after_a_friday_17_00_completion_lands_in_working_time(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(27, 11))  # Friday
    _complete_onsite(ticket, engineer, dispatcher, assigned=sh(27, 11, 30), done=sh(27, 17))
    part = clock(ticket, ClockKind.PART_RETURN)
    # 6 working hours: Fri 17-18 (1 h) + Mon 09-14 (5 h) → Mon 14:00 (later than Fri 18:00).
    # Warning at 4.5 h: 1 h + Mon 09:00-12:30. Level 2 at 12 h: 1 h + Mon 9 h + Tue 09-11.
    assert times(part) == (sh(30, 12, 30), sh(30, 14), sh(1, 11, month=12))
    assert escalations.sweep(now=sh(28, 5)) == 0  # nothing at 23:00 Friday or 05:00 Saturday
    assert escalated(ticket, ClockKind.PART_RETURN) == []


def test_part_return_in_the_morning_is_due_at_the_end_of_that_working_day(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(23, 8))
    _complete_onsite(ticket, engineer, dispatcher, assigned=sh(23, 8, 30), done=sh(23, 10))
    part = clock(ticket, ClockKind.PART_RETURN)
    # 6 h → 16:00 < 18:00: due 18:00; span 8 h: warning at 6 h → 16:00, level 2 at 16 h → Tue 17:00.
    assert times(part) == (sh(23, 16), sh(23, 18), sh(24, 17))


def test_callback_of_a_critical_ticket_follows_the_business_calendar(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(23, 12), priority=choices.Priority.CRITICAL)
    _complete_onsite(ticket, engineer, dispatcher, assigned=sh(23, 12, 30), done=sh(23, 20))
    callback = clock(ticket, ClockKind.CALLBACK)
    # One 9-hour working day from Monday 20:00 → Tue 09:00-18:00; warning 6.75 h → Tue 15:45;
    # level 2 at 18 h → Wed 18:00. Under 24×7 it was Tue 05:00.
    assert times(callback) == (sh(24, 15, 45), sh(24, 18), sh(25, 18))
    assert callback.calendar is not None
    # The part return stays on the critical policy's 24×7: 20:00 + 6 h = Tue 02:00 (after midnight).
    assert clock(ticket, ClockKind.PART_RETURN).due_at == sh(24, 2)
    services.close(ticket, by=dispatcher, now=sh(24, 17), reason=choices.CloseReason.CALLBACK_DONE)
    callback.refresh_from_db()
    assert callback.outcome == ClockOutcome.MET and callback.elapsed == timedelta(hours=8)


def test_callback_after_friday_completion_warns_on_monday(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(27, 11))
    _complete_onsite(ticket, engineer, dispatcher, assigned=sh(27, 11, 30), done=sh(27, 17), parts=False)
    # 9 h: Fri 1 h + Mon 8 h → Mon 17:00; warning 6.75 h → Mon 14:45; level 2 18 h → Tue 17:00.
    assert times(clock(ticket, ClockKind.CALLBACK)) == (sh(30, 14, 45), sh(30, 17), sh(1, 17, month=12))


# --- item 6: urgent is faster than normal ----------------------------------------------------

def test_urgent_defaults_are_shorter_than_normal(make_ticket, dispatcher, engineer):
    urgent = make_ticket(now=sh(23, 9), priority=choices.Priority.URGENT)
    normal = make_ticket(now=sh(23, 9))
    assert clock(urgent, ClockKind.RESPONSE).due_at == sh(23, 11)  # 2 h
    assert clock(normal, ClockKind.RESPONSE).due_at == sh(23, 13)  # 4 h
    services.assign_ticket(urgent, engineer, by=dispatcher, now=sh(23, 9, 30))
    assert times(clock(urgent, ClockKind.COMPLETION)) == (sh(23, 12, 30), sh(23, 13, 30), sh(23, 17, 30))
    services.hold(urgent, by=engineer, now=sh(23, 10), reason=choices.HoldReason.AWAITING_PARTS)
    assert clock(urgent, ClockKind.COMPLETION).due_at == sh(23, 15, 30)  # 6 h with a special circumstance


def test_urgent_policy_counts_the_business_calendar_and_critical_runs_24x7(db):
    urgent = SlaPolicy.objects.get(priority=choices.Priority.URGENT)
    assert (urgent.response_minutes, urgent.completion_minutes, urgent.special_completion_minutes) == (120, 240, 360)
    assert urgent.calendar is not None
    critical = SlaPolicy.objects.get(priority=choices.Priority.CRITICAL)
    assert (critical.calendar, critical.response_minutes, critical.completion_minutes) == (None, 240, 360)


def test_urgent_migration_leaves_an_edited_policy_alone(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tickets.migrations.0007_urgent_policy_and_completion_history")
    SlaPolicy.objects.filter(priority="urgent").update(response_minutes=90, completion_minutes=300)
    migration.shorter_urgent_targets(apps, None)
    urgent = SlaPolicy.objects.get(priority="urgent")
    assert (urgent.response_minutes, urgent.completion_minutes) == (90, 300)


def test_ticket_page_shows_the_urgent_targets_in_force(make_ticket, client, dispatcher):
    from django.urls import reverse

    ticket = make_ticket(now=sh(23, 9), priority=choices.Priority.URGENT)
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_detail", args=[ticket.number])).content.decode()
    targets = html[html.index("Targets in force (Urgent)"):html.index("</dl>", html.index("Targets in force"))]
    assert "2h 00m" in targets and "4h 00m" in targets and "6h 00m with a special circumstance" in targets
    assert "working hours of “Service center”" in html


def test_ticket_page_of_a_critical_ticket_says_24x7(make_ticket, client, dispatcher):
    from django.urls import reverse

    ticket = make_ticket(now=sh(23, 9), priority=choices.Priority.CRITICAL)
    client.force_login(dispatcher)
    html = client.get(reverse("tickets:ticket_detail", args=[ticket.number])).content.decode()
    assert "Targets in force (Critical)</strong>\n      · 24×7" in html
