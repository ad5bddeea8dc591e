"""Spare parts, vendor repair, satisfaction/complaints and the service-area filter, against
hand-computed values. The dataset adds to tests/reports/conftest.py's `october` (every
time local, Asia/Shanghai):

Parts (cost at each move's unit cost): P1 (定影器) 1× to T1 (Ann, M-A) at 100.00, 2× to T9
(Bo, M-B) at 110.00; P2 4× to T4 (Bo, M-B) at 12.50, 1 returned unused from T4; outside the
period: P2 3× to T3 on 29 Sep, P1 1× to T13 on 1 Nov 01:00.
→ issued 7, returned 1, used 6, cost 100 + 220 + 50 − 12.50 = 357.50; P1 3 / 320.00, P2 3 / 37.50;
M-B 5 / 257.50, M-A 1 / 100.00; Bo 5 / 257.50, Ann 1 / 100.00.

RMAs: R1 T9→V1 shipped 3 Oct, back 13 Oct (10 d); R2 T2→V1 shipped 20 Sep, back 6 Oct (16 d);
R3 T4→V2 shipped 25 Oct, still there; R4 T6→V2 shipped 25 Sep, back 2 Nov; R5 T8→V1 shipped
30 Oct, written off 31 Oct. → at vendors at the end of October: V2 2 (R3, R4), V1 0;
back in October: V1 2, median 13.0 d, p90 10 + 0.9 × 6 = 15.4 d.
Milestones: R3 receipt due 28 Oct open (overdue, open); R1 receipt due 6 Oct done 7 Oct
(overdue, late); R1 day_7 due 10 Oct done 9 Oct (on time); R4 day_15 due 10 Oct open
(overdue, open); R4 day_30 due 25 Oct cancelled; R3 shipped due 3 Nov (next month).
→ overdue 3: receipt 2 (1 still open), day_15 1 (1 open); V2 2, V1 1.

Callbacks in October: T1 5/5/4 (Ann), T2 3/4/5 (Ann), T3 4/4/4 (Bo), T4 no answer then
2/3/1 (Bo, low score); T11 answered 30 Sep (outside). → attempts 5, answered 4, attitude 3.5,
speed 4.0, quality 3.5, average (4.667 + 4 + 4 + 2) / 4 = 3.67, satisfied (all ≥ 4) 2 = 50 %,
low 1; Ann 2 answered, 4.33, 1 satisfied; Bo 2, 3.00, 1.
Complaints logged in October: K1 (T1, general, delay, closed after 3 d), K2 (T4, major,
repair quality, replied late), K3 (no ticket, general, fees, open); K4 logged 28 Sep about T3,
closed 2 Oct (4 d). → 3 logged, 1 major, 1 replied late, closed in October 2: median 3.5 d,
p90 3.9 d.

Area: T4's customer is remote (copied onto its completion and clocks by the backfill SQL)."""
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from quality.models import Callback, Complaint
from quality.reports import selectors
from spares.models import MoveKind, Rma, RmaMilestone, StockMove, Warehouse
from tests.reports.conftest import at
from tests.reports.test_figures import q
from tickets.models import Customer
from tickets.models.report_dims import BACKFILL_SQL

MONTH = {"month": "2026-10"}


@pytest.fixture
def extras(october, agent):
    from tests.spares.conftest import PartFactory, VendorFactory

    t = october
    hq = Warehouse.objects.create(code="HQ", name="Head office", kind="head_office")
    t.p1 = PartFactory(part_number="P1", name="定影器", unit_cost=Decimal("100.00"))
    t.p2 = PartFactory(part_number="P2", name="Roller", unit_cost=Decimal("12.50"))

    def move(kind, part, qty, ticket, when, cost):
        side = {"from_warehouse": hq} if kind == MoveKind.ISSUE else {"to_warehouse": hq}
        StockMove.objects.create(kind=kind, part=part, quantity=qty, ticket=ticket, at=when, unit_cost=cost,
                                 by=agent, **side)

    move(MoveKind.ISSUE, t.p1, 1, t.t1, at(10, 3, 11), Decimal("100.00"))
    move(MoveKind.ISSUE, t.p2, 4, t.t4, at(10, 11), Decimal("12.50"))
    move(MoveKind.RETURN, t.p2, 1, t.t4, at(10, 12), Decimal("12.50"))
    move(MoveKind.ISSUE, t.p1, 2, t.t9, at(10, 20), Decimal("110.00"))
    move(MoveKind.ISSUE, t.p2, 3, t.t3, at(9, 29), Decimal("12.50"))
    move(MoveKind.ISSUE, t.p1, 1, t.t13, at(11, 1, 1), Decimal("100.00"))

    t.v1 = VendorFactory(code="V1", name="Acme 维修")
    t.v2 = VendorFactory(code="V2", name="Beta")

    def rma(ticket, vendor, shipped, status, **fields):
        return Rma.objects.create(ticket=ticket, vendor=vendor, reason="x", status=status, received_at=shipped,
                                  shipped_at=shipped, created_by=agent, created_at=shipped, **fields)

    r1 = rma(t.t9, t.v1, at(10, 3), "returned", returned_at=at(10, 13))
    rma(t.t2, t.v1, at(9, 20), "returned", returned_at=at(10, 6))
    r3 = rma(t.t4, t.v2, at(10, 25), "shipped")
    r4 = rma(t.t6, t.v2, at(9, 25), "returned", returned_at=at(11, 2))
    rma(t.t8, t.v1, at(10, 30), "written_off", written_off_at=at(10, 31), write_off_reason="kept")
    for r, kind, due, done, cancelled in (
            (r3, "receipt", at(10, 28), None, False), (r1, "receipt", at(10, 6), at(10, 7), False),
            (r1, "day_7", at(10, 10), at(10, 9), False), (r4, "day_15", at(10, 10), None, False),
            (r4, "day_30", at(10, 25), None, True), (r3, "shipped", at(11, 3), None, False)):
        RmaMilestone.objects.create(rma=r, kind=kind, due_at=due, completed_at=done, cancelled=cancelled)

    def callback(ticket, when, scores=None, result="answered"):
        a, s, r = scores or (None, None, None)
        Callback.objects.create(ticket=ticket, result=result, attempted_at=when, attitude=a, speed=s,
                                repair_quality=r, is_low_score=bool(scores) and min(scores) <= 2)

    callback(t.t1, at(10, 4), (5, 5, 4))
    callback(t.t2, at(10, 9), (3, 4, 5))
    callback(t.t3, at(10, 2), (4, 4, 4))
    callback(t.t4, at(10, 13), result="no_answer")
    callback(t.t4, at(10, 14), (2, 3, 1))
    callback(t.t11, at(9, 30), (5, 5, 5))

    def complaint(ticket, created, severity, category, status, customer=None, closed=None, **fields):
        return Complaint.objects.create(
            customer=customer or ticket.customer, ticket=ticket, channel="phone", severity=severity,
            category=category, description="x", status=status, created_by=agent, created_at=created,
            reply_target=timedelta(hours=4), reply_warn_at=created + timedelta(hours=3),
            reply_due_at=created + timedelta(hours=4), reply_level2_at=created + timedelta(hours=8),
            closed_at=closed, **fields)

    complaint(t.t1, at(10, 5), "general", "delay", "closed", closed=at(10, 8))
    complaint(t.t4, at(10, 12), "major", "repair_quality", "replied", reply_breached=True)
    complaint(None, at(10, 20), "general", "fees", "open", customer=t.t2.customer)
    complaint(t.t3, at(9, 28), "general", "attitude", "closed", closed=at(10, 2))

    Customer.objects.filter(pk=t.t4.customer_id).update(area="remote")
    with connection.cursor() as cursor:
        for sql in BACKFILL_SQL:
            cursor.execute(sql)
    return t


def test_parts_used_and_cost_by_part_model_and_engineer(extras):
    parts = selectors.parts(q())
    assert (parts["issued"], parts["returned"], parts["used"], parts["cost"]) == (7, 1, 6, Decimal("357.50"))
    assert [(r["part_number"], r["name"], r["issued"], r["returned"], r["used"], r["cost"])
            for r in parts["by_part"]] == [
        ("P1", "定影器", 3, 0, 3, Decimal("320.00")), ("P2", "Roller", 4, 1, 3, Decimal("37.50"))]
    assert [(r["code"], r["used"], r["cost"]) for r in parts["by_model"]] == [
        ("M-B", 5, Decimal("257.50")), ("M-A", 1, Decimal("100.00"))]
    assert [(r["engineer"], r["used"], r["cost"]) for r in parts["by_engineer"]] == [
        ("Bo Wang", 5, Decimal("257.50")), ("Ann Lee", 1, Decimal("100.00"))]
    assert set(selectors.parts_used(q(), part=extras.p1.pk)) == {extras.t1, extras.t9}


def test_vendor_repair_units_at_vendors_turnaround_and_overdue_milestones(extras):
    vendors = selectors.vendors(q())
    assert (vendors["at_vendor"], vendors["returned"], vendors["median_days"], vendors["p90_days"],
            vendors["overdue"]) == (2, 2, 13.0, 15.4, 3)
    rows = {r["code"]: (r["at_vendor"], r["returned"], r["median_days"], r["p90_days"], r["overdue"])
            for r in vendors["by_vendor"]}
    assert rows == {"V1": (0, 2, 13.0, 15.4, 1), "V2": (2, 0, None, None, 2)}
    milestones = {r["milestone"]: (r["overdue"], r["still_open"]) for r in vendors["by_milestone"]}
    assert milestones == {"shipped": (0, 0), "receipt": (2, 1), "day_7": (0, 0), "day_15": (1, 1), "day_30": (0, 0)}
    assert set(selectors.at_vendor(q())) == {extras.t4, extras.t6}
    assert set(selectors.rma_overdue(q(), milestone="receipt")) == {extras.t4, extras.t9}
    assert set(selectors.rma_returned(q(), vendor=extras.v1.pk)) == {extras.t9, extras.t2}


def test_satisfaction_scores_and_complaints(extras):
    sat = selectors.satisfaction(q())
    assert {k: sat[k] for k in ("callbacks", "answered", "attitude", "speed", "repair_quality", "average_score",
                                "satisfied", "satisfied_rate", "not_satisfied", "low_scores")} == {
        "callbacks": 5, "answered": 4, "attitude": 3.5, "speed": 4.0, "repair_quality": 3.5, "average_score": 3.67,
        "satisfied": 2, "satisfied_rate": 50.0, "not_satisfied": 2, "low_scores": 1}
    assert (sat["complaints"], sat["complaints_major"], sat["complaints_replied_late"], sat["complaints_closed"],
            sat["close_median_days"], sat["close_p90_days"]) == (3, 1, 1, 2, 3.5, 3.9)
    by_category = {r["category"]: (r["general"], r["major"]) for r in sat["complaints_by_category"]
                   if r["general"] or r["major"]}
    assert by_category == {"delay": (1, 0), "repair_quality": (0, 1), "fees": (1, 0)}
    assert {r["status"]: r["count"] for r in sat["complaints_by_status"]} == {"open": 1, "replied": 1, "closed": 1}
    assert set(selectors.not_satisfied(q())) == {extras.t2, extras.t4}
    assert set(selectors.complaint_tickets(q())) == {extras.t1, extras.t4}


def test_per_engineer_satisfaction(extras):
    rows = {r["engineer"]: r for r in selectors.engineers(q())}
    assert [(rows[n]["callbacks_answered"], rows[n]["average_score"], rows[n]["satisfied"], rows[n]["satisfied_rate"])
            for n in ("Ann Lee", "Bo Wang")] == [(2, 4.33, 1, 50.0), (2, 3.0, 1, 50.0)]


def test_model_filter_narrows_the_new_sections(extras):
    mb = q(model=extras.mb.pk)
    assert (selectors.parts(mb)["used"], selectors.parts(mb)["cost"]) == (5, Decimal("257.50"))
    assert selectors.vendors(mb)["at_vendor"] == 1  # R3 (T4, M-B); R4 is T6 (M-A)
    assert selectors.satisfaction(mb)["complaints"] == 1  # K2 about T4; K3 has no ticket


def test_service_area_filter_applies_to_every_section_and_the_drill_down(extras):
    remote = q(area="remote")
    report = selectors.monthly_report(remote)
    assert (report["volume"]["received"], report["volume"]["completed"], report["success"]["succeeded"]) == (1, 1, 0)
    assert (report["sla"]["met"], report["sla"]["breached"]) == (0, 1)
    assert (report["parts"]["used"], report["parts"]["cost"]) == (3, Decimal("37.50"))
    assert (report["vendors"]["at_vendor"], report["vendors"]["overdue"]) == (1, 1)
    assert (report["satisfaction"]["callbacks"], report["satisfaction"]["answered"],
            report["satisfaction"]["average_score"], report["satisfaction"]["complaints"]) == (2, 1, 2.0, 1)
    assert [(r["engineer"], r["completed"], r["sla_breached"]) for r in report["engineers"]] == [("Bo Wang", 1, 1)]
    assert set(selectors.received(remote)) == {extras.t4}
    assert selectors.monthly_report(q(area="suburban"))["volume"]["received"] == 0


def test_same_new_figures_from_page_api_and_xlsx(client, manager, api_client, extras):
    client.force_login(manager)
    html = client.get(reverse("reports:index"), MONTH).content.decode()
    api = api_client(manager).get("/api/reports/monthly", MONTH).json()
    assert api["parts"]["cost"] == 357.5 and api["parts"]["used"] == 6
    assert api["vendors"]["at_vendor"] == 2 and api["vendors"]["p90_days"] == 15.4
    assert api["satisfaction"]["satisfied_rate"] == 50.0 and api["satisfaction"]["average_score"] == 3.67
    assert [r["satisfied_rate"] for r in api["engineers"]] == [50.0, 50.0]
    for snippet in ("357.50", "50.0 %", "15.4", "3.67", "定影器", "Acme 维修"):
        assert snippet in html
    workbook = load_workbook(BytesIO(client.get(reverse("reports:export_xlsx"), MONTH).content))
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Parts cost"], summary["Units at vendors"], summary["Satisfied (%)"],
            summary["Vendor turnaround, p90 (days)"], summary["Average score"]) == (357.5, 2, 50.0, 15.4, 3.67)
    parts = list(workbook["Parts by part"].iter_rows(values_only=True))
    assert parts[1] == ("P1", "定影器", 3, 0, 3, 320)
    vendors = {r[0]: r[2:] for r in workbook["Vendor repair"].iter_rows(min_row=2, values_only=True)}
    assert vendors["V1"] == (0, 2, 13, 15.4, 1)
    for section in ("parts", "vendors", "satisfaction"):
        assert api_client(manager).get(f"/api/reports/{section}", MONTH).json() == api[section]


def test_drill_down_of_the_new_figures(client, manager, extras):
    client.force_login(manager)
    for params, expected in (({"figure": "parts_used", "part": extras.p1.pk}, 2),
                             ({"figure": "rma_overdue", "milestone": "receipt"}, 2),
                             ({"figure": "at_vendor", "vendor": extras.v2.pk}, 2),
                             ({"figure": "complaints"}, 2), ({"figure": "received", "area": "remote"}, 1)):
        response = client.get(reverse("reports:drill_down"), {**MONTH, **params})
        assert response.status_code == 200, params
        assert response.context["total"] == expected, params
    assert client.get(reverse("reports:drill_down"), {**MONTH, "figure": "at_vendor", "vendor": "x"}).status_code == 400
