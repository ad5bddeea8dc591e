"""Time pages, API calls and functions in-process (Django test client, the database of
the seed) and print one table: p50, p95, SQL queries and SQL time per request.

Adding a measured page is one line in `register()`:

    measure("board: poll", "/dispatch/body/", user="dispatcher")

`url` may use the sample values of `Samples` ("/api/tickets/?q={phone}") or be a list
of URLs taken in turn (a search typed key by key). "CPU ms" is this process's CPU time
per request (view, middleware, templates, serializers and the database driver; not the
database server, not time spent waiting for a core), which a loaded machine inflates far
less than the wall-clock columns. `fn` measures a callable instead of
a URL (the sweep), with `setup` run untimed before each call. Each entry is sampled
`repeat` times (default --repeat) but stops after `budget` seconds (at least 2 runs),
so a slow page cannot stall the whole run.
"""
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from staff import roles


@dataclass
class Measured:
    name: str
    url: object = None  # str, list of str, or None with fn
    user: str = "dispatcher"
    fn: Callable = None
    setup: Callable = None
    repeat: int = None
    budget: float = 30.0
    headers: dict = field(default_factory=dict)
    optional: bool = False  # skipped when the URL does not exist (yet)


MEASURED: list[Measured] = []


def measure(name, url=None, **kwargs):
    MEASURED.append(Measured(name, url, **kwargs))


class Samples(dict):
    """Real values from the seeded data, to put into URLs."""

    @classmethod
    def load(cls):
        s = cls()
        with connection.cursor() as cursor:
            def one(sql, params=None):
                cursor.execute(sql, params)
                row = cursor.fetchone()
                return row[0] if row and len(row) == 1 else row

            s["ticket"], s["ticket_id"], s["customer_id"], unit_id = one(
                "SELECT number, id, customer_id, unit_id FROM tickets_ticket "
                "WHERE status = 'in_progress' AND unit_id IS NOT NULL ORDER BY id DESC LIMIT 1")
            s["old_ticket"] = one("SELECT number FROM tickets_ticket WHERE status = 'closed' AND unit_id IS NOT NULL "
                                  "ORDER BY id LIMIT 1 OFFSET 123456 % (SELECT count(*) FROM tickets_ticket)")
            s["number_prefix"] = s["ticket"][:-2]
            s["legacy_ref"] = one("SELECT legacy_ref FROM tickets_ticket WHERE legacy_ref <> '' "
                                  "ORDER BY id LIMIT 1 OFFSET 1000 % (SELECT count(*) FROM tickets_ticket "
                                  "WHERE legacy_ref <> '')")
            s["phone"], s["phone_raw"] = one("SELECT number, raw FROM tickets_customerphone "
                                             "WHERE customer_id = %s ORDER BY id LIMIT 1", [s["customer_id"]])
            s["name"] = one("SELECT name FROM tickets_customer WHERE id = %s", [s["customer_id"]])
            s["cn_name"] = one("SELECT name FROM tickets_customer WHERE name ~ '^[^A-Za-z]{3}$' "
                               "ORDER BY id LIMIT 1 OFFSET 777")
            s["pinyin_name"] = one("SELECT name FROM tickets_customer WHERE name ~ '^[A-Z][a-z]+ [A-Z][a-z]+$' "
                                   "ORDER BY id LIMIT 1 OFFSET 555")
            s["serial"] = one("SELECT serial_number FROM tickets_productunit WHERE id = %s", [unit_id])
            s["serial_prefix"] = s["serial"][:6]
            s["engineer_id"], s["engineer"] = one(
                "SELECT u.id, u.username FROM tickets_ticket t JOIN auth_user u ON u.id = t.assignee_id "
                "WHERE t.status IN ('dispatched','in_progress','on_hold','at_vendor') "
                "GROUP BY u.id, u.username ORDER BY count(*) DESC, u.id LIMIT 1")
            s["engineer_ticket"] = one("SELECT number FROM tickets_ticket WHERE assignee_id = %s AND status IN "
                                       "('dispatched','in_progress','on_hold','at_vendor') ORDER BY id DESC LIMIT 1",
                                       [s["engineer_id"]])
            cursor.execute("SELECT id FROM tickets_ticket ORDER BY id DESC OFFSET 2450 LIMIT 1")
            s["before_page50"] = cursor.fetchone()[0] + 1
            last = one("SELECT max(created_at) FROM tickets_ticket")
            month_ago = timezone.localtime(last) - timezone.timedelta(days=60)
            s["date_from"] = month_ago.date().replace(day=1).isoformat()
            s["date_to"] = (month_ago.date().replace(day=1) + timezone.timedelta(days=30)).isoformat()
            two_years_ago = (month_ago - timezone.timedelta(days=730)).date().replace(day=1)
            s["old_from"] = two_years_ago.isoformat()
            s["old_to"] = (two_years_ago + timezone.timedelta(days=30)).isoformat()
        s["open_statuses"] = "status=new&status=dispatched&status=in_progress&status=on_hold&status=at_vendor"
        return s


def _typed(prefix_url, text, start=2):
    """The URLs an agent's keystrokes send: text[:start], text[:start+1], …"""
    return [prefix_url + _quote(text[:n]) for n in range(start, len(text) + 1)]


def _quote(value):
    from urllib.parse import quote

    return quote(value)


def register(samples):
    """Every measured page: add one line here."""
    if MEASURED:
        return
    # the ticket list: page and API, first page, page 50, filters
    measure("list page: first", "/tickets/")
    measure("list page: page 50", "/tickets/?before={before_page50}")
    measure("list page: open statuses", "/tickets/?{open_statuses}")
    measure("list page: assignee", "/tickets/?assignee={engineer_id}")
    measure("list page: date range", "/tickets/?created_after={date_from}&created_before={date_to}")
    measure("list API: first", "/api/tickets/")
    measure("list API: page 50", "{api_page50}")
    measure("list API: open statuses", "/api/tickets/?{open_statuses}")
    measure("list API: assignee", "/api/tickets/?assignee={engineer_id}")
    measure("list API: date range", "/api/tickets/?created_after={date_from}&created_before={date_to}")
    measure("list API: date range 2 years back", "/api/tickets/?created_after={old_from}&created_before={old_to}")
    # search: the same q= on the list page and the API
    measure("search API: phone", "/api/tickets/?q={phone}")
    measure("search API: phone as typed", "/api/tickets/?q={phone_raw_q}")
    measure("search API: name (CJK)", "/api/tickets/?q={cn_name_q}")
    measure("search API: name (pinyin)", "/api/tickets/?q={pinyin_name_q}")
    measure("search API: serial", "/api/tickets/?q={serial}")
    measure("search API: serial prefix", "/api/tickets/?q={serial_prefix}")
    measure("search API: ticket number", "/api/tickets/?q={ticket}")
    measure("search API: number prefix", "/api/tickets/?q={number_prefix}")
    measure("search API: legacy ref", "/api/tickets/?q={legacy_ref}")
    measure("search page: phone", "/tickets/?q={phone}")
    measure("search page: name", "/tickets/?q={cn_name_q}")
    # intake: the customer search as the agent types, one request per keystroke
    measure("intake search: phone typed", _typed("/tickets/new/search/?q=", samples["phone"], 3), user="agent")
    measure("intake search: name typed", _typed("/tickets/new/search/?q=", samples["cn_name"], 1), user="agent")
    measure("intake search: serial typed", _typed("/tickets/new/search/?q=", samples["serial"], 3), user="agent")
    # one ticket
    measure("ticket page", "/tickets/{ticket}/")
    measure("ticket API", "/api/tickets/{ticket}/")
    measure("ticket page (engineer)", "/tickets/{engineer_ticket}/", user="engineer")
    measure("ticket API (engineer)", "/api/tickets/{engineer_ticket}/", user="engineer")
    # per-role pages
    measure("escalations page", "/tickets/escalations/", user="supervisor")
    measure("escalations page: vendor repairs (RMA)", "/tickets/escalations/?clock=rma", user="supervisor")
    measure("inbox (supervisor)", "/staff/inbox/", user="supervisor")
    measure("inbox (engineer)", "/staff/inbox/", user="engineer")
    measure("my jobs", "/tickets/mine/", user="engineer")
    # dispatch board (helper 12b) and the sweep
    measure("board", "/dispatch/", budget=60)
    measure("board: poll", "/dispatch/body/", budget=60, headers={"HTTP_HX_REQUEST": "true"})
    from .board import register as register_board

    register_board(measure, samples)
    from .sweep import register as register_sweep

    register_sweep(measure)
    # reports (issue 11), once they exist
    measure("monthly report", "/reports/monthly/", user="manager", optional=True)


def _user(role_key, samples, cache={}):  # noqa: B006 — one login per role per run
    if role_key in cache:
        return cache[role_key]
    User = get_user_model()
    names = {"dispatcher": "disp01", "supervisor": "sup01", "agent": "agent01", "manager": "mgr01",
             "engineer": samples["engineer"]}
    user = User.objects.get(username=names[role_key])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    cache[role_key] = client
    return client


def _api_page50(samples):
    client = _user("dispatcher", samples)
    url = "/api/tickets/"
    for _ in range(49):
        url = client.get(url).json()["next"].replace("http://testserver", "")
    return url


def _p(samples, q):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(round((len(samples) - 1) * q)))]


def run_one(m, samples, repeat):
    repeat = m.repeat or repeat
    if m.fn is None:
        urls = m.url if isinstance(m.url, list) else [m.url]
        urls = [u.format(**samples) for u in urls]
        if m.optional:
            try:
                resolve(urls[0].split("?")[0])
            except Resolver404:
                return None
        client = _user(m.user, samples)
        client.get(urls[0], **m.headers)  # warm up (URLconf, templates, caches)
    times, cpu, counts, sql, sizes, statuses = [], [], [], [], [], set()
    started = time.perf_counter()
    for i in range(repeat if m.fn is None else (m.repeat or 1)):
        if m.setup:
            m.setup()
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            if m.fn is None:
                response = client.get(urls[i % len(urls)], **m.headers)
                statuses.add(response.status_code)
                sizes.append(len(response.content))
            else:
                m.fn()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        counts.append(len(queries))
        sql.append(sum(float(q["time"]) for q in queries.captured_queries))
        if time.perf_counter() - started > m.budget and len(times) >= 2:
            break
    return {
        "name": m.name, "n": len(times), "p50": _p(times, 0.5) * 1000, "p95": _p(times, 0.95) * 1000,
        "queries": max(counts), "sql": statistics.median(sql) * 1000, "cpu": statistics.median(cpu) * 1000,
        "kb": (statistics.median(sizes) / 1024) if sizes else None,
        "status": ",".join(str(s) for s in sorted(statuses)) or "-",
    }


def table(rows):
    lines = ["| what | n | p50 ms | p95 ms | queries | SQL ms (p50) | CPU ms (p50) | kB | status |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        kb = f"{r['kb']:.0f}" if r["kb"] is not None else ""
        lines.append(f"| {r['name']} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['queries']} | "
                     f"{r['sql']:.1f} | {r['cpu']:.1f} | {kb} | {r['status']} |")
    return "\n".join(lines)


def main(*, repeat=20, only=""):
    from django.db import connection as c

    from django.conf import settings

    settings.DEBUG = False
    samples = Samples.load()
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    register(samples)
    selected = [m for m in MEASURED if not wanted or any(w in m.name for w in wanted)]
    if any("{api_page50}" in str(m.url) for m in selected):
        samples["api_page50"] = _api_page50(samples)
    for key in ("phone_raw", "cn_name", "pinyin_name"):
        samples[f"{key}_q"] = _quote(samples[key])
    print(f"database {c.settings_dict['NAME']}; samples: " + ", ".join(
        f"{k}={v}" for k, v in samples.items() if k in ("ticket", "phone", "cn_name", "serial", "engineer")),
        flush=True)
    rows = []
    for m in selected:
        row = run_one(m, samples, repeat)
        if row is None:
            continue
        rows.append(row)
        print(f"  {row['name']}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, {row['queries']} queries",
              flush=True)
    print()
    print(table(rows), flush=True)
    return rows


__all__ = ["measure", "main", "roles"]
