"""python -m bench [seed|run|load|all] … — see bench/README.md.

  seed   seed the template database (default as_bench_seed) at --scale (1 = 1,000,000 tickets)
  run    copy the template to the run database (as_bench_run) and print the table of pages
  load   the locust load test against gunicorn on 127.0.0.1 (bounded by --time)
  explain  EXPLAIN ANALYZE of the SQL of every measured page (Markdown)
  imports  time the legacy CSV import of --import-rows rows on --db
  all    (make bench) seed the template if it is missing, then run

Needs PostgreSQL (PGHOST/PGUSER or the defaults 127.0.0.1 / postgres)."""
import argparse
import json
import os
import subprocess
import sys

PG = ["-h", os.environ.get("PGHOST", "127.0.0.1"), "-U", os.environ.get("PGUSER", "postgres")]


def _url(db):
    return f"postgres://{PG[3]}@{PG[1]}:5432/{db}"


def _exists(db):
    out = subprocess.run(["psql", *PG, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip() == "1"


def _setup(db):
    os.environ["DATABASE_URL"] = _url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    import django

    django.setup()


def _migrate(db):
    env = {**os.environ, "DATABASE_URL": _url(db)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, env=env)


def copy(template, db):
    """A fresh copy of the seeded template (the template must have no open connection)."""
    subprocess.run(["dropdb", *PG, "--if-exists", db], check=True)
    subprocess.run(["createdb", *PG, "-T", template, db], check=True)
    _migrate(db)  # migrations added since the template was seeded


def cmd_seed(args):
    if not _exists(args.template):
        subprocess.run(["createdb", *PG, args.template], check=True)
    _migrate(args.template)
    _setup(args.template)
    from django.db import connection

    from . import seed

    print(f"seeding {args.template} at scale {args.scale}", flush=True)
    result = seed.seed(args.scale)
    connection.close()  # the template must be left with no open connection
    print(json.dumps(result), flush=True)


def cmd_run(args):
    if not args.reuse:
        copy(args.template, args.db)
    _setup(args.db)
    from . import pages

    pages.main(repeat=args.repeat, only=args.only)


def cmd_explain(args):
    if not args.reuse:
        copy(args.template, args.db)
    _setup(args.db)
    from . import explain

    explain.main(only=args.only)


def cmd_imports(args):
    """Time the legacy import of --import-rows customers and tickets on --db (as it is)."""
    _migrate(args.db)
    _setup(args.db)
    from . import imports

    print(json.dumps(imports.run(rows=args.import_rows)), flush=True)


def cmd_load(args):
    from . import load

    if not args.reuse:
        copy(args.template, args.db)
    load.main(db_url=_url(args.db), users=args.users, time=args.time, port=args.port, workers=args.workers,
              exclude_tags=args.exclude_tags)


def cmd_all(args):
    if not _exists(args.template):
        cmd_seed(args)
    cmd_run(args)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="all", choices=["seed", "run", "load", "explain", "imports", "all"])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 tickets (seed)")
    parser.add_argument("--template", default="as_bench_seed", help="the seeded database (copied, never changed)")
    parser.add_argument("--db", default="as_bench_run", help="the copy the benchmark runs on")
    parser.add_argument("--reuse", action="store_true", help="run on --db as it is, without a fresh copy")
    parser.add_argument("--repeat", type=int, default=20, help="requests per measured page")
    parser.add_argument("--only", default="", help="comma-separated substrings of page names to measure")
    parser.add_argument("--import-rows", type=int, default=10000, help="rows per file (imports)")
    parser.add_argument("--users", type=int, default=10, help="locust users (load)")
    parser.add_argument("--time", default="60s", help="locust run time (load)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (load)")
    parser.add_argument("--exclude-tags", default="", help="locust tags to leave out, e.g. board (load)")
    parser.add_argument("--port", type=int, default=8199, help="gunicorn port on 127.0.0.1 (load)")
    args = parser.parse_args()
    {"seed": cmd_seed, "run": cmd_run, "load": cmd_load, "explain": cmd_explain, "imports": cmd_imports,
     "all": cmd_all}[args.command](args)


if __name__ == "__main__":
    main()
