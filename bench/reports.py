"""python -m bench.reports [--month YYYY-MM] [--repeat N] [--explain] [--refresh]

Times the monthly report (every section, as the page/API/exports compute it) and the
year trend (12 months from the daily rollup) on an already seeded PostgreSQL database
(DATABASE_URL; e.g. a copy of the 1M-ticket seed: createdb -T as_bench_seed as_bench11).
--refresh first rebuilds the rollup for the 12 months (timed). Targets: monthly report
< 300 ms, year trend < 1 s. Prints one JSON line; --explain adds EXPLAIN ANALYZE of the
monthly report's queries to stderr."""
import argparse
import json
import os
import statistics
import sys
import time


def _timed(function, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 1), "max_ms": round(samples[-1], 1)}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--month", help="YYYY-MM (default: last month)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--refresh", action="store_true", help="rebuild the rollup for the 12 months first")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://... to a seeded database")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from quality.reports import rollup, selectors
    from quality.reports.periods import ReportFilterForm, add_months
    from tickets.models import ProductModel, Ticket

    form = ReportFilterForm({"month": args.month} if args.month else {}, today=timezone.localdate())
    assert form.is_valid(), form.errors
    query = form.report_query()
    result = {"tickets": Ticket.objects.count(), "month": f"{query.start:%Y-%m}"}
    if args.refresh:
        started = time.perf_counter()
        rollup.refresh_days(add_months(query.first_month, -11), query.end)
        result["rollup_refresh_12_months_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    rollup.refresh(now=timezone.now())
    result["rollup_beat_refresh_s"] = round(time.perf_counter() - started, 2)

    with CaptureQueriesContext(connection) as queries:
        report = selectors.monthly_report(query)
    result["monthly_queries"] = len(queries.captured_queries)
    result["monthly_report"] = _timed(lambda: selectors.monthly_report(query), args.repeat)
    model = ProductModel.objects.order_by("pk").first()
    filtered = form.report_query().__class__(start=query.start, end=query.end, model=model.pk)
    result["monthly_report_one_model"] = _timed(lambda: selectors.monthly_report(filtered), args.repeat)
    from spares.models import Warehouse, WarehouseKind

    point = Warehouse.objects.filter(kind=WarehouseKind.SERVICE_POINT).order_by("pk").first()
    if point is not None:
        branch = form.report_query().__class__(start=query.start, end=query.end, service_point=point.pk)
        result["monthly_report_one_service_point"] = _timed(lambda: selectors.monthly_report(branch), args.repeat)
        result["year_trend_one_service_point"] = _timed(lambda: rollup.trend(branch), args.repeat)
    result["year_trend"] = _timed(lambda: rollup.trend(query), args.repeat)
    result["figures"] = {"received": report["volume"]["received"], "completed": report["volume"]["completed"],
                         "success_rate": report["success"]["success_rate"],
                         "first_time_fix_rate": report["success"]["first_time_fix_rate"],
                         "sla_met_rate": report["sla"]["met_rate"]}
    print(json.dumps(result), flush=True)
    if args.explain:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")  # as selectors.monthly_report runs them
            for captured in queries.captured_queries:
                if not captured["sql"].lstrip().upper().startswith("SELECT"):
                    continue  # BEGIN, SET LOCAL, COMMIT around the report
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"--- {captured['sql'][:160]}\n{plan}\n", file=sys.stderr)


if __name__ == "__main__":
    main()
