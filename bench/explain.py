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
        if m.fn is not None or "{api_page50}" in str(m.url) or m.name.startswith(("board", "monthly")):
            continue
        if wanted and not any(w in m.name for w in wanted):
            continue
        url = (m.url if isinstance(m.url, str) else m.url[-1]).format(**samples)
        client = pages._user(m.user, samples)
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
