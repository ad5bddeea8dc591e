"""Every report figure against hand-computed values (dataset: tests/reports/conftest.py)."""
from datetime import date

import pytest

from quality.reports import selectors
from quality.reports.periods import ReportQuery

OCT = dict(start=date(2026, 10, 1), end=date(2026, 10, 31))


def q(**filters):
    return ReportQuery(**OCT, **filters)


def test_volume_counts_repairs_received_and_completed_in_local_time(october):
    volume = selectors.volume(q())
    assert (volume["received"], volume["completed"]) == (9, 8)
    by_type = {r["service_type"]: (r["received"], r["completed"]) for r in volume["by_service_type"]}
    assert by_type == {"onsite": (6, 6), "carry_in": (2, 2), "mail_in": (1, 0), "remote": (0, 0)}
    by_model = {r["code"]: (r["received"], r["completed"]) for r in volume["by_model"]}
    assert by_model == {"M-A": (5, 4), "M-B": (3, 4), "M-C": (1, 0)}


def test_ticket_spanning_the_month_boundary_counts_received_in_september_completed_in_october(october):
    sept = ReportQuery(start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert set(selectors.received(sept)) == {october.t3, october.t8}
    assert october.t3 in set(selectors.completed(q()))
    assert october.t3 not in set(selectors.completed(sept))  # 1 Oct 07:00 local is still 30 Sep in UTC
    assert october.t13 not in set(selectors.received(q()))  # 1 Nov 00:30 local is 31 Oct in UTC


def test_success_first_time_fix_and_repeats(october):
    success = selectors.success(q())
    assert success == {
        "completed": 8, "succeeded": 6, "not_succeeded": 2, "first_time_fixed": 3, "success_rate": 75.0,
        "first_time_fix_rate": 37.5, "repeats": 1, "failed": 1,
    }
    assert set(selectors.succeeded(q())) == {october.t1, october.t2, october.t3, october.t8, october.t9, october.t11}
    assert set(selectors.not_succeeded(q())) == {october.t4, october.t5}
    assert set(selectors.first_time_fixed(q())) == {october.t1, october.t3, october.t11}
    assert set(selectors.repeats(q())) == {october.t8}
    assert set(selectors.failed(q())) == {october.t5}


def test_september_counts_the_first_completion_of_the_reopened_ticket(october):
    sept = selectors.success(ReportQuery(start=date(2026, 9, 1), end=date(2026, 9, 30)))
    assert (sept["completed"], sept["succeeded"], sept["failed"], sept["repeats"]) == (1, 0, 1, 0)


def test_doa_rate_per_model_and_model_without_shipments(october):
    doa = selectors.doa(q())
    rows = {r["code"]: (r["doa"], r["shipped"], r["rate"]) for r in doa["by_model"]}
    assert rows == {"M-A": (1, 200, 0.5), "M-B": (1, 500, 0.2), "M-C": (1, None, None)}
    assert doa["doa"] == 3


def test_doa_model_with_shipments_but_no_doa_shows_zero_rate(october):
    doa = selectors.doa(ReportQuery(start=date(2026, 9, 1), end=date(2026, 9, 30)))
    assert [(r["code"], r["doa"], r["shipped"], r["rate"]) for r in doa["by_model"]] == [("M-A", 0, 100, 0.0)]


def test_sla_per_clock_with_median_p90_and_levels(october):
    sla = selectors.sla(q())
    rows = {r["clock"]: r for r in sla["by_clock"]}
    assert (rows["response"]["met"], rows["response"]["breached"], rows["response"]["met_rate"]) == (2, 0, 100.0)
    assert (rows["response"]["median_minutes"], rows["response"]["p90_minutes"]) == (20.0, 28.0)
    completion = rows["completion"]
    assert (completion["met"], completion["breached"], completion["met_rate"]) == (2, 2, 50.0)
    assert (completion["median_minutes"], completion["p90_minutes"]) == (370.0, 570.0)
    assert (completion["level_1"], completion["level_2"]) == (2, 1)
    assert rows["callback"]["met"] == rows["callback"]["breached"] == 0  # the cancelled clock is left out
    assert rows["callback"]["median_minutes"] is None
    assert (sla["met"], sla["breached"], sla["met_rate"]) == (4, 2, 66.7)


def test_per_engineer_figures(october):
    rows = {r["engineer"]: r for r in selectors.engineers(q())}
    ann, bo = rows["Ann Lee"], rows["Bo Wang"]
    assert (ann["completed"], ann["succeeded"], ann["first_time_fixed"], ann["first_time_fix_rate"]) == (5, 4, 2, 40.0)
    assert (ann["sla_met"], ann["sla_breached"], ann["sla_met_rate"], ann["median_completion_minutes"]) == (
        2, 1, 66.7, 420.0)
    assert (bo["completed"], bo["succeeded"], bo["first_time_fixed"], bo["first_time_fix_rate"]) == (3, 2, 1, 33.3)
    assert (bo["sla_met"], bo["sla_breached"], bo["sla_met_rate"], bo["median_completion_minutes"]) == (
        1, 1, 50.0, 310.0)


def test_filter_by_model(october):
    query = q(model=october.ma.pk)
    assert (selectors.volume(query)["received"], selectors.volume(query)["completed"]) == (5, 4)
    success = selectors.success(query)
    assert (success["succeeded"], success["success_rate"], success["first_time_fixed"]) == (3, 75.0, 1)
    assert [(r["code"], r["rate"]) for r in selectors.doa(query)["by_model"]] == [("M-A", 0.5)]


def test_filter_by_product_line_service_type_and_engineer(october):
    assert selectors.volume(q(product_line=october.line2.pk))["received"] == 1
    assert selectors.volume(q(service_type="carry_in"))["completed"] == 2
    assert selectors.success(q(engineer=october.e2.pk))["completed"] == 3
    assert selectors.sla(q(engineer=october.e2.pk))["breached"] == 1


def test_empty_month_gives_zeros_and_no_rates(october):
    report = selectors.monthly_report(ReportQuery(start=date(2026, 6, 1), end=date(2026, 6, 30)))
    assert report["volume"]["received"] == report["volume"]["completed"] == 0
    assert report["success"]["success_rate"] is None and report["success"]["first_time_fix_rate"] is None
    assert report["doa"] == {"doa": 0, "by_model": [], "shipments_filtered_by_service_type_or_engineer": False}
    assert report["sla"]["met_rate"] is None and report["engineers"] == []


@pytest.mark.django_db
def test_report_on_an_empty_database():
    report = selectors.monthly_report(ReportQuery(**OCT))
    assert report["volume"]["received"] == 0 and report["sla"]["by_clock"][0]["median_minutes"] is None
