import os, sys, time, cProfile, pstats
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/as_bench12b"
import django; django.setup()
from django.conf import settings; settings.DEBUG = False
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from bench import seed
from tickets.escalations import sweep
now = timezone.now()
n = int(sys.argv[1])
seed.make_due(n, now=now)
pr = cProfile.Profile()
with CaptureQueriesContext(connection) as q:
    t = time.perf_counter(); pr.enable(); r = sweep(now=now); pr.disable(); print("raised", r, "ms", (time.perf_counter() - t) * 1000)
for x in sorted(q.captured_queries, key=lambda x: -float(x["time"]))[:8]:
    print(x["time"], x["sql"][:160])
pstats.Stats(pr).sort_stats("tottime").print_stats(15)
