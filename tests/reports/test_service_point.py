"""The service point filter (issue 11: the branch that handles the ticket), against values
worked out by hand on tests/reports/test_sections.py's `extras` (October 2026, local time).

T1 (Ann, M-A) and T4 (Bo, M-B) are handled by service point North, T2 and T9 by South, the
rest by none. The copies on completions and stopped clocks are filled by the migration's
backfill (one UPDATE … FROM per table), as on a database that had tickets before the column.

North in October:
- volume: received 2 (T1 3 Oct, T4 10 Oct), completed 2;
- success: succeeded 1 (T1; T4 unrepairable) = 50.0 %, first-time fix 1 (T1) = 50.0 %,
  repeats 0, failed 0; DOA 0 (neither is DOA);
- SLA: met 2 (T1 response 30 min, completion 240), breached 1 (T4 completion 500) = 66.7 %;
  completion clock median (240 + 500) / 2 = 370, p90 240 + 0.9 × 260 = 474, escalated to
  level 1 and level 2 once each (T4; T2's escalations are South's);
- parts: P1 1× to T1 at 100.00, P2 4× to T4 at 12.50 with 1 returned unused → issued 5,
  returned 1, used 4, cost 100 + 50 − 12.50 = 137.50;
- vendors: R3 (T4 at V2) still there → at vendors 1, overdue 1 (its receipt, due 28 Oct);
- satisfaction: T1 5/5/4, T4 no answer then 2/3/1 → callbacks 3, answered 2, average
  (4.667 + 2) / 2 = 3.33; complaints K1 (T1) and K2 (T4) → 2;
- engineers: Ann 1 completed, Bo 1 completed (and 1 breach).
South: received 2 (T2, T9)."""
import importlib
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from quality.reports import rollup, selectors
from spares.models import Warehouse, WarehouseKind
from tests.reports import test_sections
from tests.reports.test_figures import q
from tickets.models import Ticket

extras = test_sections.extras  # the fixture this module builds on

MONTH = {"month": "2026-10"}
MIGRATION = importlib.import_module("tickets.migrations.0018_ticket_service_point_and_report_dims")


@pytest.fixture
def placed(extras):
    t = extras
    t.north = Warehouse.objects.create(code="SP-N", name="Service point North", kind=WarehouseKind.SERVICE_POINT)
    t.south = Warehouse.objects.create(code="SP-S", name="Service point South", kind=WarehouseKind.SERVICE_POINT)
    Ticket.objects.filter(pk__in=[t.t1.pk, t.t4.pk]).update(service_point=t.north)
    Ticket.objects.filter(pk__in=[t.t2.pk, t.t9.pk]).update(service_point=t.south)
    with connection.cursor() as cursor:
        for sql in MIGRATION.SERVICE_POINT_BACKFILL_SQL:
            cursor.execute(sql)
    rollup.refresh_days(date(2026, 9, 1), date(2026, 10, 31))
    return t


def test_service_point_filter_applies_to_every_section(placed):
    north = q(service_point=placed.north.pk)
    report = selectors.monthly_report(north)
    assert (report["volume"]["received"], report["volume"]["completed"]) == (2, 2)
    success = report["success"]
    assert (success["succeeded"], success["success_rate"], success["first_time_fixed"],
            success["first_time_fix_rate"], success["repeats"], success["failed"]) == (1, 50.0, 1, 50.0, 0, 0)
    assert report["doa"]["doa"] == 0
    sla = report["sla"]
    assert (sla["met"], sla["breached"], sla["met_rate"]) == (2, 1, 66.7)
    completion = next(r for r in sla["by_clock"] if r["clock"] == "completion")
    assert (completion["met"], completion["breached"], completion["median_minutes"], completion["p90_minutes"],
            completion["level_1"], completion["level_2"]) == (1, 1, 370.0, 474.0, 1, 1)
    parts = report["parts"]
    assert (parts["issued"], parts["returned"], parts["used"], parts["cost"]) == (5, 1, 4, Decimal("137.50"))
    assert (report["vendors"]["at_vendor"], report["vendors"]["overdue"]) == (1, 1)
    sat = report["satisfaction"]
    assert (sat["callbacks"], sat["answered"], sat["average_score"], sat["complaints"]) == (3, 2, 3.33, 2)
    assert sorted((r["engineer"], r["completed"], r["sla_breached"]) for r in report["engineers"]) == [
        ("Ann Lee", 1, 0), ("Bo Wang", 1, 1)]
    assert set(selectors.received(north)) == {placed.t1, placed.t4}
    assert selectors.monthly_report(q(service_point=placed.south.pk))["volume"]["received"] == 2


def test_rollup_trend_by_service_point_matches_the_raw_figures(placed):
    october = next(r for r in rollup.trend(q(service_point=placed.north.pk)) if r["month"] == "2026-10")
    assert {k: october[k] for k in ("received", "completed", "succeeded", "first_time_fixed", "doa_received",
                                    "sla_met", "sla_breached")} == {
        "received": 2, "completed": 2, "succeeded": 1, "first_time_fixed": 1, "doa_received": 0,
        "sla_met": 2, "sla_breached": 1}
    assert october["success_rate"] == 50.0


def test_same_service_point_figures_from_page_api_and_xlsx(client, manager, api_client, placed):
    params = {**MONTH, "service_point": placed.north.pk}
    client.force_login(manager)
    page = client.get(reverse("reports:index"), params)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{placed.north.pk}" selected>' in html
    assert "137.50" in html and "50.0 %" in html and "66.7 %" in html
    # drill-down and export links keep the filter
    assert f"service_point={placed.north.pk}" in html
    api = api_client(manager).get("/api/reports/monthly", params).json()
    assert (api["volume"]["received"], api["success"]["success_rate"], api["sla"]["met"], api["sla"]["breached"],
            api["parts"]["used"], api["parts"]["cost"]) == (2, 50.0, 2, 1, 4, 137.5)
    for section in ("volume", "success", "sla", "parts"):
        assert api_client(manager).get(f"/api/reports/{section}", params).json() == api[section]
    workbook = load_workbook(BytesIO(client.get(reverse("reports:export_xlsx"), params).content))
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Repairs received"], summary["Repair success rate (%)"], summary["SLA clocks met"],
            summary["SLA clocks breached"], summary["Parts used"], summary["Parts cost"]) == (2, 50.0, 2, 1, 4, 137.5)
    csv = client.get(reverse("reports:export_csv"), {**params, "section": "summary"}).content.decode()
    assert "Parts cost,137.50" in csv


def test_drill_down_keeps_the_service_point(client, manager, placed):
    client.force_login(manager)
    response = client.get(reverse("reports:drill_down"), {**MONTH, "figure": "received",
                                                          "service_point": placed.north.pk})
    assert response.status_code == 200 and response.context["total"] == 2
    assert set(response.context["tickets"]) == {placed.t1, placed.t4}


def test_service_point_must_be_a_service_point(client, manager, api_client, placed):
    hq = Warehouse.objects.get(code="HQ")
    for bad in (hq.pk, "x", 10**20):
        response = api_client(manager).get("/api/reports/monthly", {**MONTH, "service_point": bad})
        assert response.status_code == 400 and "service_point" in response.json(), bad
    client.force_login(manager)
    assert client.get(reverse("reports:index"), {**MONTH, "service_point": hq.pk}).status_code == 400
