"""Time the SLA sweep at a given table size: an idle sweep (nothing due) and a sweep
with `due` warnings to raise. The cost must follow what is due, not the table size."""
import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets.escalations import sweep

from . import seed


def _timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def run(*, due, repeat):
    now = timezone.now()
    reverse("home")  # import the URLconf once, as a running worker already has
    idle = _timed(lambda: sweep(now=now), repeat)
    busy, counts = [], []
    for _ in range(repeat):
        seed.make_due(due, now=now)
        with CaptureQueriesContext(connection) as queries:
            busy.extend(_timed(lambda: sweep(now=now), 1))
        counts.append(len(queries))  # read before reset_queries(): the capture is a view of the log
    reset_queries()
    return {
        "idle_ms_median": round(statistics.median(idle) * 1000, 2),
        "busy_ms_median": round(statistics.median(busy) * 1000, 1),
        "busy_queries": max(counts),
        "due": due,
    }
