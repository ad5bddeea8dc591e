"""EXPLAIN ANALYZE of the SQL each measured page really sends (python -m bench explain):
every query of the page is captured with the test client, then explained; the session
and user lookups (primary keys) are left out. Output is Markdown for bench/README.md."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import pages

SKIP = ("FROM \"django_session\"", "FROM \"auth_user\" WHERE \"auth_user\".\"id\" =")


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) " + sql)
        return [row[0] for row in cursor.fetchall()]


def main(*, only=""):
    samples = pages.Samples.load()
    pages.register(samples)
    for key in ("phone_raw", "cn_name", "pinyin_name"):
        samples[f"{key}_q"] = pages._quote(samples[key])
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    for m in pages.MEASURED:
        if m.fn is not None or "{api_page50}" in str(m.url) or m.name.startswith("monthly"):
            continue
        if wanted and not any(w in m.name for w in wanted):
            continue
        url = (m.url if isinstance(m.url, str) else m.url[-1]).format(**samples)
        client = pages._user(m.user, samples)
        if m.setup:
            m.setup()
        client.get(url, **m.headers)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, **m.headers)
        print(f"\n#### {m.name} — `{url}`\n")
        for q in queries.captured_queries:
            if any(s in q["sql"] for s in SKIP):
                continue
            plan = explain(q["sql"])
            print("```\n" + q["sql"][:600] + (" …" if len(q["sql"]) > 600 else "") + "\n")
            print("\n".join(plan) + "\n```")
    if not wanted or any(w in "sweep" for w in wanted):
        sweep()


def sweep(due=1000):
    """The SLA sweep's statements for `due` clocks falling due: each one is explained
    (EXPLAIN ANALYZE inside a savepoint rolled back), then really run."""
    from django.utils import timezone

    from tickets.escalations import sweep as run_sweep

    from . import seed

    now = timezone.now()
    seed.make_due(due, now=now)
    seen = set()

    def explained(execute, sql, params, many, context):
        head = sql[:60]
        if not many and head not in seen and not sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.add(head)
            cursor, atomic = context["cursor"].cursor, connection.in_atomic_block  # the driver's: no wrapper
            if atomic:
                cursor.execute("SAVEPOINT bench_explain")
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            if atomic:
                cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
            shown = cursor.mogrify(sql, params).decode()
            print("```\n" + shown[:600] + (" …" if len(shown) > 600 else "") + "\n")
            print("\n".join(plan) + "\n```")
        return execute(sql, params, many, context)

    print(f"\n#### sweep: {due:,} due — `tickets.escalations.sweep` (each statement of a batch once)\n")
    with connection.execute_wrapper(explained):
        run_sweep(now=now)
