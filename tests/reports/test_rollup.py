"""The daily rollup agrees with the raw selectors, is idempotent and picks up late events."""
from datetime import date

from django.core.management import call_command
from django.utils import timezone

from quality.models import ReportDay
from quality.reports import rollup, selectors
from quality.reports.periods import ReportQuery
from tests.reports.conftest import _completion, _ticket, at
from tickets.models import Completion

OCT = ReportQuery(start=date(2026, 10, 1), end=date(2026, 10, 31))


def _raw(query):
    success, sla = selectors.success(query), selectors.sla(query)
    return {"received": selectors.received(query).count(), "doa_received": selectors.doa_received(query).count(),
            "completed": success["completed"], "succeeded": success["succeeded"],
            "first_time_fixed": success["first_time_fixed"], "sla_met": sla["met"], "sla_breached": sla["breached"]}


def _from_rollup(query, month):
    row = next(r for r in rollup.trend(query) if r["month"] == month)
    return {k: row[k] for k in ("received", "doa_received", "completed", "succeeded", "first_time_fixed",
                                "sla_met", "sla_breached")}


def test_rollup_and_raw_sql_agree_for_every_month_and_filter(october):
    rollup.refresh_days(date(2026, 8, 1), date(2026, 11, 30))
    assert _from_rollup(OCT, "2026-10") == _raw(OCT) == {
        "received": 9, "doa_received": 3, "completed": 8, "succeeded": 6, "first_time_fixed": 3,
        "sla_met": 4, "sla_breached": 2}
    sept = ReportQuery(start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert _from_rollup(OCT, "2026-09") == _raw(sept) == {
        "received": 2, "doa_received": 0, "completed": 1, "succeeded": 0, "first_time_fixed": 0,
        "sla_met": 1, "sla_breached": 0}
    for filters in ({"model": october.ma.pk}, {"product_line": october.line1.pk}, {"service_type": "carry_in"},
                    {"engineer": october.e1.pk}):
        query = ReportQuery(start=OCT.start, end=OCT.end, **filters)
        assert _from_rollup(query, "2026-10") == _raw(query), filters


def test_trend_has_twelve_months_with_rates(october):
    rollup.refresh_days(date(2026, 9, 1), date(2026, 10, 31))
    trend = rollup.trend(OCT)
    assert [r["month"] for r in trend][:2] == ["2025-11", "2025-12"] and trend[-1]["month"] == "2026-10"
    assert (trend[-1]["success_rate"], trend[-1]["first_time_fix_rate"], trend[-1]["sla_met_rate"]) == (
        75.0, 37.5, 66.7)
    assert trend[0]["received"] == 0 and trend[0]["success_rate"] is None


def test_refresh_is_idempotent(october):
    rollup.refresh_days(date(2026, 9, 1), date(2026, 10, 31))
    first = sorted(ReportDay.objects.values_list("day", "model_id", "service_type", "engineer_id", "received",
                                                 "completed", "succeeded", "sla_met", "sla_breached"))
    rollup.refresh_days(date(2026, 9, 1), date(2026, 10, 31))
    call_command("refresh_report_rollup", "--from", "2026-10-01", "--to", "2026-10-31", stdout=open("/dev/null", "w"))
    again = sorted(ReportDay.objects.values_list("day", "model_id", "service_type", "engineer_id", "received",
                                                 "completed", "succeeded", "sla_met", "sla_breached"))
    assert first == again and len(first) > 0


def test_late_event_is_picked_up_by_the_next_refresh(october):
    rollup.refresh(now=timezone.now())
    rollup.refresh_days(date(2026, 10, 1), date(2026, 10, 31))
    assert _from_rollup(OCT, "2026-10")["received"] == 9
    # a field job entered today with its real (October) times
    late = _ticket(october.mb, created=at(10, 2, 9), engineer=october.e2, completed=at(10, 2, 11),
                   outcome="repaired")
    _completion(late)
    assert _from_rollup(OCT, "2026-10")["received"] == 9  # not yet refreshed
    rollup.refresh(now=timezone.now())
    assert _from_rollup(OCT, "2026-10") == _raw(OCT)
    assert (_from_rollup(OCT, "2026-10")["received"], _from_rollup(OCT, "2026-10")["completed"]) == (10, 9)


def test_reopen_marking_an_old_completion_failed_is_picked_up(october):
    rollup.refresh(now=timezone.now())
    rollup.refresh_days(date(2026, 10, 1), date(2026, 10, 31))
    assert _from_rollup(OCT, "2026-10")["succeeded"] == 6
    # T1 (completed 3 Oct) is reopened today for the same fault inside the window
    Completion.objects.filter(ticket=october.t1).update(failed=True, reopened_at=timezone.now())
    october.t1.status = "new"
    october.t1.completed_at = None
    october.t1.save()
    rollup.refresh(now=timezone.now())  # the ticket changed: its completions' days are rebuilt
    assert _from_rollup(OCT, "2026-10") == _raw(OCT)
    assert _from_rollup(OCT, "2026-10")["succeeded"] == 5


def test_beat_task_runs_the_refresh(october, settings):
    from quality.reports.tasks import refresh_report_rollup, refresh_report_rollup_window

    assert refresh_report_rollup.apply().get() >= 2
    assert refresh_report_rollup_window.apply().get() >= 0
    assert "quality.reports.tasks.refresh_report_rollup" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
