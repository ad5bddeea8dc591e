"""python -m bench [--sizes 10000,1000000] [--due 100] [--repeat 5] [--what sweep,pages,imports]

Needs PostgreSQL (DATABASE_URL; default a local `aftersales_bench` database, created and
migrated if missing). Prints one JSON line per table size."""
import argparse
import json
import os
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--what", default="sweep,pages", help="comma-separated: sweep, pages, imports")
    parser.add_argument("--import-rows", type=int, default=10000, help="rows per file for --what imports")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aftersales_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "aftersales_bench"], capture_output=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True)

    import django

    django.setup()
    from . import imports, pages, seed, sweep

    for size in (int(s) for s in args.sizes.split(",")):
        seconds = seed.seed(size)
        result = {"tickets": size, "seed_s": round(seconds, 1)}
        if "sweep" in args.what:
            result.update(sweep.run(due=args.due, repeat=args.repeat))
        if "pages" in args.what:
            result.update(pages.run(repeat=args.repeat * 4))
        if "imports" in args.what:
            result.update(imports.run(rows=args.import_rows))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
