import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings_test")
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/as_bench12b"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
import django; django.setup()
from django.conf import settings; settings.DEBUG = False
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
c = Client(); c.force_login(get_user_model().objects.get(username=sys.argv[2] if len(sys.argv) > 2 else "disp01"))
url = sys.argv[1]
c.get(url)
with CaptureQueriesContext(connection) as q:
    c.get(url, **({"HTTP_IF_NONE_MATCH": sys.argv[3]} if len(sys.argv) > 3 else {}))
with connection.cursor() as cur:
    for x in q.captured_queries:
        sql = x["sql"]
        if sql.startswith("SELECT \"auth_user\"") or "auth_permission" in sql or "auth_group" in sql or "django_session" in sql: continue
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [r[0] for r in cur.fetchall()]
        print("---", x["time"], sql[:300])
        print("\n".join(plan[:int(os.environ.get("LINES", "14"))]))
