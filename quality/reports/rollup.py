"""The daily rollup behind the month-over-month and year trend (quality.ReportDay).

A refresh rebuilds whole days: it deletes their rows and inserts what the report
selectors count for them, grouped by (day, model, service type, engineer). Running it
twice gives the same rows (idempotent). Late events are picked up because a refresh
covers (a) the days touched by tickets changed since the previous refresh (their
creation, their completions, their clocks) and (b) on the nightly run, a trailing window
as long as the repair warranty.
"""
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from ..models.reports import ReportDay, RollupState
from . import selectors
from .periods import ReportQuery, add_months
from .stats import rate

_DIMS = {"k_model": "d_model_id", "k_service_type": "service_type", "k_engineer": "assignee_id",
         "k_area": "customer__area", "k_service_point": "service_point_id"}
# completions and stopped clocks carry copies of the ticket's dimensions (no ticket join)
_COMPLETION_DIMS = {"k_model": "d_model_id", "k_service_type": "d_service_type", "k_engineer": "engineer_id",
                    "k_area": "d_area", "k_service_point": "d_service_point_id"}
_CLOCK_DIMS = {"k_model": "d_model_id", "k_service_type": "d_service_type", "k_engineer": "d_engineer_id",
               "k_area": "d_area", "k_service_point": "d_service_point_id"}


def _grouped(queryset, day_field, dims, **counts):
    rows = queryset.annotate(day=TruncDate(day_field)).values("day", **{k: F(v) for k, v in dims.items()})
    return rows.annotate(**counts).order_by()


def compute_days(start, end):
    """{(day, model_id, service_type, engineer_id, area, service_point_id): {column: count}} for days
    start..end."""
    query = ReportQuery(start=start, end=end)
    sources = [
        _grouped(selectors.received(query), "created_at", _DIMS,
                 received=Count("pk"), doa_received=Count("pk", filter=Q(is_doa=True))),
        _grouped(selectors.completions(query), "completed_at", _COMPLETION_DIMS, completed=Count("pk"),
                 succeeded=Count("pk", filter=selectors.SUCCEEDED),
                 first_time_fixed=Count("pk", filter=selectors.FIRST_TIME_FIXED)),
        _grouped(selectors.clocks_stopped(query), "stopped_at", _CLOCK_DIMS,
                 sla_met=Count("pk", filter=Q(outcome="met")), sla_breached=Count("pk", filter=Q(outcome="breached"))),
    ]
    days = defaultdict(dict)
    for rows in sources:
        for row in rows:
            key = (row.pop("day"), row.pop("k_model"), row.pop("k_service_type"), row.pop("k_engineer"),
                   row.pop("k_area") or "", row.pop("k_service_point"))
            days[key].update(row)
    return days


@transaction.atomic
def refresh_days(start, end):
    """Rebuild the rollup rows of days start..end (local dates, inclusive)."""
    _lock_state()
    ReportDay.objects.filter(day__gte=start, day__lte=end).delete()
    rows = [ReportDay(day=day, model_id=model, service_type=service_type or "", engineer_id=engineer, area=area,
                      service_point_id=point, **counts)
            for (day, model, service_type, engineer, area, point), counts in compute_days(start, end).items()]
    ReportDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _lock_state():
    state = RollupState.objects.select_for_update().filter(pk=1).first()
    return state or RollupState.objects.create(pk=1)


def dirty_days(since):
    """Local dates whose figures may have changed because a ticket changed after `since`."""
    changed = selectors.Ticket.objects.filter(updated_at__gte=since)
    days = set()
    for field in ("created_at", "completed_at"):
        days |= set(changed.exclude(**{f"{field}__isnull": True}).annotate(d=TruncDate(field))
                    .values_list("d", flat=True).distinct())
    days |= set(selectors.SlaClock.objects.filter(ticket__in=changed, stopped_at__isnull=False)
                .annotate(d=TruncDate("stopped_at")).values_list("d", flat=True).distinct())
    # a reopen marks an earlier completion failed: that completion's day changes too
    days |= set(selectors.Completion.objects.filter(ticket__in=changed)
                .annotate(d=TruncDate("completed_at")).values_list("d", flat=True).distinct())
    return days


def refresh(*, now, trailing_days=2):
    """The beat task's work: the last `trailing_days` days plus every dirty day, each
    contiguous run of days rebuilt in one go. Returns the number of days rebuilt."""
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _lock_state()
        since = state.refreshed_at
        days = {today - timedelta(days=n) for n in range(trailing_days)}
        if since is not None:
            days |= dirty_days(since)
        for start, end in _runs(sorted(days)):
            refresh_days(start, end)
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at"])
    return len(days)


def nightly_window_days():
    return settings.REPAIR_WARRANTY_DAYS + 7


def _runs(days):
    runs = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [tuple(run) for run in runs]


# --- reading ---------------------------------------------------------------------------------

def trend(query, *, months=12):
    """Month by month over the `months` months ending with the query's month: volume,
    success, first-time fix, DOA and SLA from the rollup (never the raw tickets)."""
    last = query.end.replace(day=1)
    first = add_months(last, -(months - 1))
    rows = ReportDay.objects.filter(day__gte=first, day__lt=add_months(last, 1))
    if query.model:
        rows = rows.filter(model_id=query.model)
    if query.product_line:
        rows = rows.filter(model__product_line_id=query.product_line)
    if query.service_type:
        rows = rows.filter(service_type=query.service_type)
    if query.engineer:
        rows = rows.filter(engineer_id=query.engineer)
    if query.area:
        rows = rows.filter(area=query.area)
    if query.service_point:
        rows = rows.filter(service_point_id=query.service_point)
    sums = {r["month"]: r for r in rows.annotate(month=TruncMonth("day")).values("month").annotate(
        **{name: Sum(name) for name in ("received", "doa_received", "completed", "succeeded", "first_time_fixed",
                                        "sla_met", "sla_breached")}).order_by()}
    result = []
    for n in range(months):
        month = add_months(first, n)
        row = {k: v or 0 for k, v in sums.get(month, {}).items() if k != "month"}
        counts = {name: row.get(name, 0) for name in ("received", "doa_received", "completed", "succeeded",
                                                       "first_time_fixed", "sla_met", "sla_breached")}
        result.append({
            "month": f"{month:%Y-%m}", **counts,
            "success_rate": rate(counts["succeeded"], counts["completed"]),
            "first_time_fix_rate": rate(counts["first_time_fixed"], counts["completed"]),
            "sla_met_rate": rate(counts["sla_met"], counts["sla_met"] + counts["sla_breached"]),
        })
    return result
