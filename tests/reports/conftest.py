"""A small fixed dataset for the report figures; expected values are worked out by hand
in the docstring of `october` (all times in the center's zone, Asia/Shanghai = UTC+8)."""
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from quality.models import Shipment
from staff import roles
from tests.factories import ProductLineFactory, ProductModelFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import Category, EventKind, Outcome, ServiceType, Status
from tickets.models import ClockKind, Completion, Escalation, SlaClock, TicketEvent

SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=10, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def _ticket(model, *, created, engineer=None, status=Status.CLOSED, category=Category.REPAIR,
            service_type=ServiceType.ONSITE, completed=None, outcome="", **fields):
    unit = ProductUnitFactory(model=model)
    return TicketFactory(customer=unit.customer, unit=unit, category=category, service_type=service_type,
                         created_at=created, assignee=engineer, status=status, completed_at=completed,
                         closed_at=completed if status == Status.CLOSED else None, outcome=outcome, **fields)


def _completion(ticket, sequence=1, *, completed=None, outcome=None, engineer=None, **fields):
    return Completion.objects.create(
        ticket=ticket, sequence=sequence, outcome=outcome or ticket.outcome, engineer=engineer or ticket.assignee,
        completed_at=completed or ticket.completed_at, **fields)


def _clock(ticket, kind, *, stopped, minutes, outcome, cycle=0):
    started = stopped - timedelta(minutes=minutes)
    return SlaClock.objects.create(
        ticket=ticket, kind=kind, cycle=cycle, started_at=started, target=timedelta(hours=4), warn_at=started,
        due_at=started + timedelta(hours=4), level2_at=started + timedelta(hours=8), stopped_at=stopped,
        outcome=outcome, elapsed=timedelta(minutes=minutes))


def _escalation(clock, level, raised):
    return Escalation.objects.create(clock=clock, ticket=clock.ticket, level=level, due_at=raised, raised_at=raised)


@pytest.fixture
def october(db, agent):
    """October 2026, no filters:
    received 9 (T1 T2 T4 T5 T6 T7 T9 T11 T12; T3/T8 were received in September, T10 is an
    installation, T13 is 1 Nov 00:30 local = 31 Oct UTC); completed 8 completions (T1 T2 T3
    T4 T5 T8#2 T9 T11; T3 at 1 Oct 07:00 local = 30 Sep UTC; T8#1 was in September);
    succeeded 6 (T1 T2 T3 T8#2 T9 T11: T4 unrepairable, T5 failed — its fault came back as
    T6) = 75 %; first-time fix 3 (T1 T3 T11: T2 had a special circumstance, T9 went to a
    vendor, T8#2 is a second completion) = 37.5 %; repeats 1 (T8#2), failed 1 (T5);
    DOA 3: M-A 1/200 = 0.5 %, M-B 1/500 = 0.2 %, M-C 1 with no shipments. SLA: response
    met 30, 10 min (median 20, p90 28); completion met 240, 120, breached 600, 500 (median
    370, p90 570); level 1: 2, level 2: 1 (completion). Engineers: e1 5 completed, 4
    succeeded, 2 FTF (40 %), SLA 2 met 1 breached, median completion 420; e2 3 completed,
    2 succeeded, 1 FTF (33.3 %), SLA 1/1, median 310."""
    line1, line2 = ProductLineFactory(code="printers", name="Printers"), ProductLineFactory(code="scanners", name="扫描仪")
    ma = ProductModelFactory(code="M-A", name="打印机 A", product_line=line1)
    mb = ProductModelFactory(code="M-B", name="Printer B", product_line=line1)
    mc = ProductModelFactory(code="M-C", name="Scanner C", product_line=line2)
    e1 = UserFactory(username="e1", first_name="Ann", last_name="Lee", roles=[roles.ONSITE_ENGINEER])
    e2 = UserFactory(username="e2", first_name="Bo", last_name="Wang", roles=[roles.DEPOT_ENGINEER])
    for model, month, units in ((ma, "2026-10-01", 200), (mb, "2026-10-01", 500), (ma, "2026-09-01", 100)):
        Shipment.objects.create(model=model, month=month, units=units, imported_at=at(11, 1), imported_by=agent)
    t = SimpleNamespace(ma=ma, mb=mb, mc=mc, e1=e1, e2=e2, line1=line1, line2=line2)
    t.t1 = _ticket(ma, created=at(10, 3), engineer=e1, completed=at(10, 3, 15), outcome=Outcome.REPAIRED)
    t.t2 = _ticket(ma, created=at(10, 5), engineer=e1, completed=at(10, 8), outcome=Outcome.REPLACED, is_doa=True,
                   service_type=ServiceType.CARRY_IN, special_circumstance="awaiting_parts")
    TicketEvent.objects.create(ticket=t.t2, at=at(10, 6), kind=EventKind.STATUS_CHANGE,
                               from_status=Status.IN_PROGRESS, to_status=Status.ON_HOLD)
    t.t3 = _ticket(mb, created=at(9, 30, 23, 30), engineer=e2, completed=at(10, 1, 7), outcome=Outcome.REPAIRED)
    t.t4 = _ticket(mb, created=at(10, 10), engineer=e2, completed=at(10, 12), outcome=Outcome.UNREPAIRABLE)
    t.t5 = _ticket(ma, created=at(10, 15), engineer=e1, completed=at(10, 16), outcome=Outcome.REPAIRED,
                   status=Status.COMPLETED)
    t.t6 = _ticket(ma, created=at(10, 20), engineer=e2, status=Status.IN_PROGRESS, repeat_of=t.t5)
    t.t7 = _ticket(mc, created=at(10, 22), status=Status.NEW, is_doa=True, service_type=ServiceType.MAIL_IN)
    t.t8 = _ticket(ma, created=at(9, 10), engineer=e1, completed=at(10, 9), outcome=Outcome.REPAIRED,
                   is_repeat=True, reopen_count=1)
    TicketEvent.objects.create(ticket=t.t8, at=at(10, 5), kind=EventKind.STATUS_CHANGE,
                               from_status=Status.CLOSED, to_status=Status.NEW)
    t.t9 = _ticket(mb, created=at(10, 2), engineer=e2, completed=at(10, 25), outcome=Outcome.REPAIRED, is_doa=True,
                   sent_to_vendor_at=at(10, 3), service_type=ServiceType.CARRY_IN)
    t.t10 = _ticket(ma, created=at(10, 4), category=Category.INSTALLATION, completed=at(10, 4, 12),
                    outcome=Outcome.REPAIRED)
    t.t11 = _ticket(mb, created=at(10, 6), engineer=e1, completed=at(10, 7), outcome=Outcome.REPAIRED,
                    legacy_ref="OLD-1")
    t.t12 = _ticket(ma, created=at(10, 28), status=Status.CANCELLED)
    t.t13 = _ticket(ma, created=at(11, 1, 0, 30), status=Status.NEW)
    for ticket in (t.t1, t.t2, t.t3, t.t4, t.t9, t.t11):
        _completion(ticket)
    _completion(t.t5, failed=True, reopened_at=at(10, 20))
    first = _completion(t.t8, completed=at(9, 12), failed=True, reopened_at=at(10, 5))
    _completion(t.t8, 2, is_repeat=True, repeat_of=first)
    _clock(t.t1, ClockKind.RESPONSE, stopped=at(10, 3, 10, 30), minutes=30, outcome="met")
    _clock(t.t1, ClockKind.COMPLETION, stopped=at(10, 3, 15), minutes=240, outcome="met")
    c2 = _clock(t.t2, ClockKind.COMPLETION, stopped=at(10, 8), minutes=600, outcome="breached")
    _escalation(c2, "warning", at(10, 6))
    _escalation(c2, "level_1", at(10, 7))
    _clock(t.t3, ClockKind.RESPONSE, stopped=at(9, 30, 23, 50), minutes=20, outcome="met")
    _clock(t.t3, ClockKind.COMPLETION, stopped=at(10, 1, 7), minutes=120, outcome="met")
    c4 = _clock(t.t4, ClockKind.COMPLETION, stopped=at(10, 12), minutes=500, outcome="breached")
    _escalation(c4, "level_1", at(10, 11))
    _escalation(c4, "level_2", at(10, 12))
    _clock(t.t10, ClockKind.RESPONSE, stopped=at(10, 4, 10, 10), minutes=10, outcome="met")
    _clock(t.t5, ClockKind.CALLBACK, stopped=at(10, 20), minutes=60, outcome="cancelled")
    return t
