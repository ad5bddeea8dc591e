import cProfile, pstats, os, time, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/as_bench12b"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
import django; django.setup()
from django.conf import settings; settings.DEBUG = False
from django.test import Client
from django.contrib.auth import get_user_model
c = Client(); c.force_login(get_user_model().objects.get(username=sys.argv[2] if len(sys.argv) > 2 else "disp01"))
url = sys.argv[1]
c.get(url)
t = time.perf_counter(); r = c.get(url); print("ms", (time.perf_counter() - t) * 1000, r.status_code, len(r.content))
pr = cProfile.Profile(); pr.enable(); c.get(url); pr.disable()
pstats.Stats(pr).sort_stats("tottime").print_stats(18)
