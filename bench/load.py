"""Run the locust load test (bench/locustfile.py) against gunicorn with production
settings on 127.0.0.1, bounded in time, and print throughput, p50/p95 per page and
errors. gunicorn is started here and stopped (by its own pid) when locust is done.

Production settings means aftersales.settings with DEBUG off and a random SECRET_KEY;
only HTTPS redirects and Secure cookies are off, since the test talks plain HTTP to
127.0.0.1 (in production TLS ends at the proxy)."""
import csv
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wait_up(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on {url}")


def main(*, db_url, users=10, time="60s", port=8199, workers=4, exclude_tags=""):
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "aftersales.settings", "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
           "SECURE_HSTS_SECONDS": "0", "CONN_MAX_AGE": "60"}
    env.pop("REDIS_URL", None)
    out = Path(tempfile.mkdtemp(prefix="bench-load-"))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "aftersales.wsgi", "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--access-logfile", "-", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=open(out / "access.log", "w"), stderr=open(out / "gunicorn.log", "w"))
    try:
        _wait_up(f"http://127.0.0.1:{port}/login/")
        command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                   "--headless", "-u", str(users), "-r", str(max(1, users // 5)), "--run-time", time,
                   "--host", f"http://127.0.0.1:{port}", "--csv", str(out / "run"), "--only-summary",
                   "--stop-timeout", "10"]
        if exclude_tags:
            command += ["--exclude-tags", *exclude_tags.split(",")]
        subprocess.run(command, cwd=ROOT, env={**env, "BENCH_DATABASE_URL": db_url}, timeout=_seconds(time) + 120,
                       stdout=open(out / "locust.log", "w"), stderr=subprocess.STDOUT)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    print(f"locust: {users} users for {time}, gunicorn -w {workers} (logs in {out})")
    print(report(out / "run_stats.csv"))


def _seconds(spec):
    units = {"s": 1, "m": 60, "h": 3600}
    return int(spec[:-1]) * units[spec[-1]] if spec[-1] in units else int(spec)


def report(path):
    lines = ["| page | requests | req/s | p50 ms | p95 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    with open(path) as f:
        for row in csv.DictReader(f):
            name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
            lines.append(f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
                         f"{row['50%']} | {row['95%']} | {float(row['Max Response Time']):.0f} | "
                         f"{row['Failure Count']} |")
    return "\n".join(lines)
