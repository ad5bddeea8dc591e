"""Page, API and XLSX/CSV give the same figures; role checks; bad input is a 400."""
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from quality.reports import rollup

MONTH = {"month": "2026-10"}


@pytest.fixture
def rolled(october):
    rollup.refresh_days(date(2026, 9, 1), date(2026, 10, 31))
    return october


def _sheet(content, title):
    workbook = load_workbook(io.BytesIO(content))
    return workbook[title]


def test_same_figures_from_page_api_and_xlsx(client, manager, api_client, rolled):
    client.force_login(manager)
    page = client.get(reverse("reports:index"), MONTH)
    assert page.status_code == 200
    report = page.context["report"]
    api = api_client(manager).get("/api/reports/monthly", MONTH).json()
    assert api["success"]["success_rate"] == report["success"]["success_rate"] == 75.0
    assert api["volume"]["received"] == report["volume"]["received"] == 9
    assert api["sla"]["by_clock"][1]["p90_minutes"] == 570.0
    assert [r["rate"] for r in api["doa"]["by_model"]] == [0.5, 0.2, None]
    html = page.content.decode()
    assert "75.0 %" in html and "37.5 %" in html and "no shipments" in html

    xlsx = client.get(reverse("reports:export_xlsx"), MONTH)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    summary = {row[0]: row[1] for row in _sheet(xlsx.content, "Summary").iter_rows(min_row=2, values_only=True)}
    assert summary["Repairs received"] == 9 and isinstance(summary["Repairs received"], int)
    assert summary["Repair success rate (%)"] == 75.0
    assert summary["Period start"].date() == date(2026, 10, 1)  # a real date cell
    doa = list(_sheet(xlsx.content, "DOA rate by model").iter_rows(values_only=True))
    assert doa[0] == ("Model", "Name", "DOA units", "Units shipped", "DOA rate (%)")
    assert doa[1] == ("M-A", "打印机 A", 1, 200, 0.5)  # Chinese intact, numbers as numbers
    assert doa[3] == ("M-C", "Scanner C", 1, "no shipments", "no shipments")
    trend = list(_sheet(xlsx.content, "Trend by month").iter_rows(values_only=True))
    assert trend[-1][0].date() == date(2026, 10, 1) and trend[-1][1:4] == (9, 8, 75.0)


def test_section_endpoints_match_monthly(manager, api_client, rolled):
    client = api_client(manager)
    monthly = client.get("/api/reports/monthly", MONTH).json()
    for section in ("volume", "success", "doa", "sla", "engineers"):
        response = client.get(f"/api/reports/{section}", MONTH)
        assert response.status_code == 200 and response.json() == monthly[section], section
    trend = client.get("/api/reports/trend", MONTH).json()
    assert trend[-1]["received"] == 9 and len(trend) == 12


def test_csv_export_keeps_chinese_and_header(client, manager, rolled):
    client.force_login(manager)
    response = client.get(reverse("reports:export_csv"), {**MONTH, "section": "doa"})
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Model,Name,DOA units,Units shipped,DOA rate (%)"
    assert lines[1] == "M-A,打印机 A,1,200,0.5"
    assert client.get(reverse("reports:export_csv"), {**MONTH, "section": "nope"}).status_code == 404


def test_filters_apply_to_page_api_and_export(client, manager, api_client, rolled):
    params = {**MONTH, "model": rolled.ma.pk}
    api = api_client(manager).get("/api/reports/success", params).json()
    client.force_login(manager)
    assert client.get(reverse("reports:index"), params).context["report"]["success"] == api
    assert api["success_rate"] == 75.0
    xlsx = client.get(reverse("reports:export_xlsx"), params)
    summary = {r[0]: r[1] for r in _sheet(xlsx.content, "Summary").iter_rows(min_row=2, values_only=True)}
    assert summary["Repair success rate (%)"] == 75.0


@pytest.mark.parametrize("params", [
    {"month": "2026-13"}, {"month": "oct"}, {"date_from": "2026-10-05"}, {"date_from": "2026-10-05", "date_to": "2026-10-01"},
    {"month": "2026-10", "date_from": "2026-10-01", "date_to": "2026-10-02"}, {"model": "999999"}, {"model": "x"},
    {"engineer": "-1"}, {"service_type": "teleport"}, {"date_from": "2020-01-01", "date_to": "2026-01-01"},
])
def test_bad_parameters_are_400_not_500(client, manager, api_client, params, db):
    assert api_client(manager).get("/api/reports/monthly", params).status_code == 400
    client.force_login(manager)
    assert client.get(reverse("reports:index"), params).status_code == 400
    assert client.get(reverse("reports:export_xlsx"), params).status_code == 400
    assert client.get(reverse("reports:drill_down"), {**params, "figure": "received"}).status_code == 400


def test_date_range_report(manager, api_client, october):
    body = api_client(manager).get("/api/reports/volume", {"date_from": "2026-10-01", "date_to": "2026-10-03"}).json()
    assert body["received"] == 2  # T1 (3 Oct) and T9 (2 Oct)


def test_default_period_is_last_month(client, manager, db, time_machine):
    time_machine.move_to("2026-11-15 12:00+08:00")
    client.force_login(manager)
    query = client.get(reverse("reports:index")).context["query"]
    assert (query.start, query.end) == (date(2026, 10, 1), date(2026, 10, 31))


@pytest.mark.parametrize("role", ["agent", "dispatcher", "engineer", "quality", "spares_admin"])
def test_other_roles_get_403(client, api_client, role, request, db):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:export_xlsx")).status_code == 403
    assert api_client(user).get("/api/reports/monthly").status_code == 403


def test_anonymous_is_sent_to_login_and_api_401(client, db):
    assert client.get(reverse("reports:index")).status_code == 302
    assert client.get("/api/reports/monthly").status_code == 401


def test_supervisor_and_manager_see_reports_in_the_menu(client, supervisor, manager, agent):
    for user, expected in ((supervisor, True), (manager, True), (agent, False)):
        client.force_login(user)
        html = client.get(reverse("staff:inbox")).content.decode()
        assert (f'href="{reverse("reports:index")}"' in html) is expected


def test_manager_is_read_only_no_shipment_upload(client, manager, supervisor):
    client.force_login(manager)
    assert client.get(reverse("reports:shipments")).status_code == 403
    assert client.post(reverse("reports:shipments"), {}).status_code == 403
    assert "Import shipments" not in client.get(reverse("reports:index")).content.decode()
    client.force_login(supervisor)
    assert client.get(reverse("reports:shipments")).status_code == 200


def test_drill_down_lists_the_tickets_behind_a_figure(client, manager, rolled):
    client.force_login(manager)
    response = client.get(reverse("reports:drill_down"), {**MONTH, "figure": "first_time_fixed"})
    assert response.status_code == 200
    numbers = {t.number for t in response.context["tickets"]}
    assert numbers == {rolled.t1.number, rolled.t3.number, rolled.t11.number} and response.context["total"] == 3
    doa = client.get(reverse("reports:drill_down"), {**MONTH, "figure": "doa", "model": rolled.mc.pk})
    assert [t.number for t in doa.context["tickets"]] == [rolled.t7.number]
    breached = client.get(reverse("reports:drill_down"), {**MONTH, "figure": "sla_breached", "clock": "completion",
                                                           "engineer": rolled.e2.pk})
    assert [t.number for t in breached.context["tickets"]] == [rolled.t4.number]
    # the ticket list's own filters apply on top
    narrowed = client.get(reverse("reports:drill_down"), {**MONTH, "figure": "received", "status": "new"})
    assert {t.number for t in narrowed.context["tickets"]} == {rolled.t7.number}
    assert client.get(reverse("reports:drill_down"), {**MONTH, "figure": "bogus"}).status_code == 400


def test_report_page_links_each_figure_to_its_drill_down(client, manager, rolled):
    client.force_login(manager)
    html = client.get(reverse("reports:index"), {**MONTH, "model": rolled.ma.pk}).content.decode()
    assert f"/reports/tickets/?figure=doa&amp;month=2026-10&amp;model={rolled.ma.pk}" in html


def test_report_page_query_count_is_bounded(client, manager, rolled, django_assert_max_num_queries):
    client.force_login(manager)
    # a fixed number per section, whatever the data (parts, vendor repair and satisfaction added ~16)
    with django_assert_max_num_queries(45):
        assert client.get(reverse("reports:index"), MONTH).status_code == 200


def test_schema_documents_every_report_endpoint(client, manager):
    client.force_login(manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for name in ("monthly", "volume", "success", "doa", "sla", "engineers", "parts", "vendors", "satisfaction",
                 "trend"):
        operation = schema["paths"][f"/api/reports/{name}"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"month", "model", "engineer", "service_type", "area"}
