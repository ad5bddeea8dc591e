"""SLA clocks through the lifecycle, the sweep and its escalations (SPEC §4).

Default policy from the data migration: normal/urgent count Mon–Fri 09:00–18:00
Asia/Shanghai; critical runs 24×7. 2026-11-23 is a Monday."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from dispatch.services import receive_unit
from staff.models import Notification
from tickets import choices, escalations, services
from tickets.models import ClockKind, ClockOutcome, Escalation, EscalationLevel, SlaClock, TicketEvent
from tests.factories import send_to_vendor

SH = ZoneInfo("Asia/Shanghai")


def sh(d, hh, mm=0, month=11):
    return datetime(2026, month, d, hh, mm, tzinfo=SH)


def clock(ticket, kind, cycle=0):
    return SlaClock.objects.get(ticket=ticket, kind=kind, cycle=cycle)


def levels(ticket):
    return sorted(Escalation.objects.filter(ticket=ticket).values_list("level", flat=True))


@pytest.fixture
def eager_celery():
    from aftersales.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def monday_ticket(make_ticket):
    return make_ticket(now=sh(23, 9))


def test_response_clock_is_stored_when_the_ticket_is_created(monday_ticket):
    response = clock(monday_ticket, ClockKind.RESPONSE)
    assert (response.warn_at, response.due_at, response.level2_at) == (sh(23, 12), sh(23, 13), sh(23, 17))
    assert response.next_due_at == sh(23, 12)
    monday_ticket.refresh_from_db()
    assert monday_ticket.response_due_at == sh(23, 13)


def test_unassigned_ticket_warns_at_three_hours_and_escalates_at_four_once(
        monday_ticket, dispatcher, supervisor, manager):
    assert escalations.sweep(now=sh(23, 11, 59)) == 0
    assert escalations.sweep(now=sh(23, 12)) == 1
    assert escalations.sweep(now=sh(23, 12, 30)) == 0
    assert levels(monday_ticket) == [EscalationLevel.WARNING]
    assert Notification.objects.filter(recipient=dispatcher, kind="warning").count() == 1
    assert escalations.sweep(now=sh(23, 13)) == 1
    assert Notification.objects.filter(recipient=supervisor, kind="escalation").count() == 1
    assert not Notification.objects.filter(recipient=manager).exists()
    assert escalations.sweep(now=sh(23, 17)) == 1
    assert Notification.objects.filter(recipient=manager, kind="escalation").count() == 1
    assert escalations.sweep(now=sh(24, 9)) == 0
    assert clock(monday_ticket, ClockKind.RESPONSE).next_due_at is None
    monday_ticket.refresh_from_db()
    assert monday_ticket.sla_warned and monday_ticket.sla_breached


def test_sweep_catches_up_after_downtime(monday_ticket, supervisor):
    # Workers were down all day: the first sweep raises every level that fell due.
    assert escalations.sweep(now=sh(23, 18)) == 3
    assert levels(monday_ticket) == ["level_1", "level_2", "warning"]
    assert escalations.sweep(now=sh(23, 18, 1)) == 0


def test_escalations_are_on_the_timeline(monday_ticket):
    escalations.sweep(now=sh(23, 13))
    kinds = list(monday_ticket.events.values_list("kind", flat=True))
    assert kinds.count(choices.EventKind.SLA_WARNING) == 1
    assert kinds.count(choices.EventKind.ESCALATION) == 1


def test_friday_afternoon_ticket_warns_on_monday(make_ticket):
    ticket = make_ticket(now=sh(27, 16))
    response = clock(ticket, ClockKind.RESPONSE)
    assert response.warn_at == sh(30, 10)  # Fri 16-18 (2 h) + Mon 09-10
    assert response.due_at == sh(30, 11)
    assert escalations.sweep(now=sh(29, 23)) == 0


def test_critical_tickets_run_round_the_clock(make_ticket):
    ticket = make_ticket(now=sh(28, 22), priority=choices.Priority.CRITICAL)  # Saturday night
    assert clock(ticket, ClockKind.RESPONSE).due_at == sh(29, 2)


def test_assignment_stops_response_and_starts_completion_and_arrival(monday_ticket, dispatcher, engineer):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 10))
    response = clock(monday_ticket, ClockKind.RESPONSE)
    assert response.outcome == ClockOutcome.MET and response.elapsed == timedelta(hours=1)
    assert response.next_due_at is None
    assert clock(monday_ticket, ClockKind.COMPLETION).due_at == sh(23, 16)
    assert clock(monday_ticket, ClockKind.ARRIVAL).due_at == sh(23, 10, 20)


def test_late_assignment_records_breach_and_by_how_much(monday_ticket, dispatcher, engineer):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 14, 30))
    response = clock(monday_ticket, ClockKind.RESPONSE)
    assert response.outcome == ClockOutcome.BREACHED
    assert response.overrun == timedelta(hours=1, minutes=30)
    monday_ticket.refresh_from_db()
    assert monday_ticket.sla_breached


def test_arrival_outside_town_adds_the_travel_estimate(make_ticket, dispatcher, engineer):
    ticket = make_ticket(now=sh(23, 9))
    ticket.customer.area = choices.Area.REMOTE
    ticket.customer.save()
    services.assign_ticket(ticket, engineer, by=dispatcher, now=sh(23, 9, 30), travel_minutes=45)
    assert clock(ticket, ClockKind.ARRIVAL).due_at == sh(23, 10, 35)
    services.arrive(ticket, by=engineer, now=sh(23, 10, 40))
    arrival = clock(ticket, ClockKind.ARRIVAL)
    assert arrival.outcome == ClockOutcome.BREACHED and arrival.overrun == timedelta(minutes=5)


def test_special_circumstance_extends_completion_to_eight_hours(monday_ticket, dispatcher, engineer):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9))
    services.arrive(monday_ticket, by=engineer, now=sh(23, 9, 15))
    services.hold(monday_ticket, by=engineer, now=sh(23, 11), reason=choices.HoldReason.AWAITING_PARTS)
    completion = clock(monday_ticket, ClockKind.COMPLETION)
    assert completion.target == timedelta(hours=8)
    assert completion.due_at == sh(23, 17)
    monday_ticket.refresh_from_db()
    assert monday_ticket.completion_due_at == sh(23, 17)


def test_reassignment_keeps_the_completion_clock(monday_ticket, dispatcher, engineer, other_engineer):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9))
    services.reassign_ticket(monday_ticket, other_engineer, by=dispatcher, now=sh(23, 12),
                             reason="Engineer sick", expected_assignee_id=engineer.pk)
    completion = clock(monday_ticket, ClockKind.COMPLETION)
    assert completion.started_at == sh(23, 9) and completion.is_running


def test_vendor_repair_stops_the_completion_clock(make_ticket, dispatcher, depot_engineer):
    ticket = make_ticket(now=sh(23, 9), service_type=choices.ServiceType.CARRY_IN)
    services.assign_ticket(ticket, depot_engineer, by=dispatcher, now=sh(23, 9))
    receive_unit(ticket, by=depot_engineer, now=sh(23, 9), condition="Scratched lid")  # clock starts here
    assert not SlaClock.objects.filter(ticket=ticket, kind=ClockKind.ARRIVAL).exists()
    services.start_work(ticket, by=depot_engineer, now=sh(23, 10))
    send_to_vendor(ticket, by=depot_engineer, now=sh(23, 14))  # opens an RMA (issue 9)
    completion = clock(ticket, ClockKind.COMPLETION)
    assert completion.outcome == ClockOutcome.MET and completion.elapsed == timedelta(hours=5)
    assert escalations.sweep(now=sh(25, 9)) == 0


def _complete(ticket, engineer, dispatcher, *, parts=True, done=sh(23, 15)):
    services.assign_ticket(ticket, engineer, by=dispatcher, now=sh(23, 9))
    services.arrive(ticket, by=engineer, now=sh(23, 9, 10))
    return services.complete(ticket, by=engineer, now=done, outcome=choices.Outcome.REPAIRED,
                             work_done="Replaced board", parts_replaced=parts, parts_used="Main board",
                             customer_confirmation="Mr. Li")


def test_onsite_completion_with_parts_starts_part_return_and_callback(
        monday_ticket, dispatcher, engineer, spares_admin):
    _complete(monday_ticket, engineer, dispatcher)
    assert clock(monday_ticket, ClockKind.COMPLETION).outcome == ClockOutcome.MET
    assert clock(monday_ticket, ClockKind.PART_RETURN).due_at == sh(24, 12)  # 6 working hours: 15-18, 09-12
    assert clock(monday_ticket, ClockKind.CALLBACK).due_at == sh(24, 15)  # one 9-hour working day
    services.receive_defective_part(monday_ticket, by=spares_admin, now=sh(23, 17))
    assert clock(monday_ticket, ClockKind.PART_RETURN).outcome == ClockOutcome.MET


def test_part_return_is_due_at_end_of_day_when_that_is_later(monday_ticket, dispatcher, engineer):
    _complete(monday_ticket, engineer, dispatcher, done=sh(23, 10))
    assert clock(monday_ticket, ClockKind.PART_RETURN).due_at == sh(23, 18)


def test_no_part_return_clock_without_replaced_parts(monday_ticket, dispatcher, engineer, spares_admin):
    _complete(monday_ticket, engineer, dispatcher, parts=False)
    assert not SlaClock.objects.filter(ticket=monday_ticket, kind=ClockKind.PART_RETURN).exists()
    with pytest.raises(services.TransitionNotAllowed):
        services.receive_defective_part(monday_ticket, by=spares_admin, now=sh(23, 17))


def test_close_after_callback_stops_the_callback_clock(monday_ticket, dispatcher, engineer, quality):
    _complete(monday_ticket, engineer, dispatcher)
    services.close(monday_ticket, by=quality, now=sh(24, 10), reason=choices.CloseReason.CALLBACK_DONE)
    assert clock(monday_ticket, ClockKind.CALLBACK).outcome == ClockOutcome.MET


def test_priority_change_recomputes_running_clocks(monday_ticket, dispatcher):
    services.change_priority(monday_ticket, choices.Priority.CRITICAL, by=dispatcher, now=sh(23, 10))
    response = clock(monday_ticket, ClockKind.RESPONSE)
    assert response.due_at == sh(23, 13) and response.calendar is None  # 24×7 now, same start
    monday_ticket.refresh_from_db()
    assert monday_ticket.priority == choices.Priority.CRITICAL
    assert monday_ticket.events.filter(kind=choices.EventKind.UPDATE).count() == 1


def test_priority_change_needs_permission(monday_ticket, agent):
    with pytest.raises(services.PermissionDenied):
        services.change_priority(monday_ticket, choices.Priority.URGENT, by=agent, now=sh(23, 10))


def test_cancel_stops_every_clock_and_nothing_escalates(monday_ticket, agent):
    services.cancel(monday_ticket, by=agent, now=sh(23, 10), reason="Customer fixed it")
    assert clock(monday_ticket, ClockKind.RESPONSE).outcome == ClockOutcome.CANCELLED
    assert escalations.sweep(now=sh(24, 18)) == 0


def test_reopen_starts_a_new_cycle(monday_ticket, dispatcher, engineer, agent):
    _complete(monday_ticket, engineer, dispatcher)
    services.reopen(monday_ticket, by=agent, now=sh(24, 9), reason="Same fault again")
    assert clock(monday_ticket, ClockKind.CALLBACK).outcome == ClockOutcome.CANCELLED
    assert clock(monday_ticket, ClockKind.RESPONSE, cycle=1).due_at == sh(24, 13)
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(24, 10))
    assert clock(monday_ticket, ClockKind.COMPLETION, cycle=1).is_running


def test_warning_goes_to_the_assignee_once_assigned(monday_ticket, dispatcher, engineer):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9))
    escalations.sweep(now=sh(23, 13, 30))  # 75 % of 6 h = 4 h 30 min (arrival warned too)
    warnings = Notification.objects.filter(recipient=engineer, kind="warning")
    assert sorted(n.rendered_title.split(": ")[1].split(" clock")[0] for n in warnings) == ["Completion", "Onsite arrival"]
    assert not Notification.objects.filter(recipient=dispatcher, kind="warning").exists()


def test_escalation_emails_are_sent(monday_ticket, supervisor, mailoutbox, django_capture_on_commit_callbacks,
                                    eager_celery):
    # Issue 12: e-mails are queued after the sweep's transaction commits, not sent inside it.
    with django_capture_on_commit_callbacks(execute=True):
        escalations.sweep(now=sh(23, 13))
    assert any(supervisor.email in m.to for m in mailoutbox)


def test_acknowledge_needs_permission_and_happens_once(monday_ticket, supervisor, agent):
    escalations.sweep(now=sh(23, 13))
    level_1 = Escalation.objects.get(ticket=monday_ticket, level=EscalationLevel.LEVEL_1)
    with pytest.raises(services.PermissionDenied):
        escalations.acknowledge(level_1, by=agent, now=sh(23, 14))
    escalations.acknowledge(level_1, by=supervisor, now=sh(23, 14), note="Calling the customer")
    level_1.refresh_from_db()
    assert level_1.acknowledged_by == supervisor
    with pytest.raises(services.TransitionNotAllowed):
        escalations.acknowledge(level_1, by=supervisor, now=sh(23, 15))


def test_sweep_reads_only_due_clocks(make_ticket, django_assert_num_queries):
    for hour in (9, 10, 11):
        make_ticket(now=sh(23, hour))
    with django_assert_num_queries(1):  # nothing due: one indexed SELECT
        assert escalations.sweep(now=sh(23, 11, 30)) == 0


def test_the_same_escalation_cannot_exist_twice(monday_ticket):
    from django.db import IntegrityError, transaction

    escalations.sweep(now=sh(23, 12))
    warning = Escalation.objects.get(ticket=monday_ticket)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(clock=warning.clock, ticket=monday_ticket, level=warning.level,
                                  due_at=warning.due_at, raised_at=sh(23, 12, 5))


def test_a_replayed_level_is_not_raised_again(monday_ticket):
    escalations.sweep(now=sh(23, 12))
    SlaClock.objects.filter(ticket=monday_ticket).update(raised=0, next_due_at=sh(23, 12))  # as if a crash lost it
    assert escalations.sweep(now=sh(23, 12, 1)) == 0
    assert Escalation.objects.filter(ticket=monday_ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=monday_ticket, kind=choices.EventKind.SLA_WARNING).count() == 1


def test_management_command_sweeps_as_of_a_given_instant(monday_ticket, capsys):
    call_command("sla_sweep", "--at", "2026-11-23T13:00:00+08:00")
    assert "2 escalation(s)" in capsys.readouterr().out
    assert levels(monday_ticket) == ["level_1", "warning"]


def test_management_command_rejects_a_bad_instant(db):
    with pytest.raises(CommandError):
        call_command("sla_sweep", "--at", "yesterday")


def test_celery_task_sweeps_as_of_the_real_clock(monday_ticket):
    from tickets.tasks import sla_sweep

    with time_machine.travel(sh(23, 12, 1), tick=False):
        assert sla_sweep() == 1
    with time_machine.travel(sh(23, 17, 5), tick=False):
        assert sla_sweep() == 2
