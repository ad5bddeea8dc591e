"""The SLA sweep in the benchmark table: idle (nothing due) and with 1,000 / 10,000
escalations to raise. `seed.make_due` prepares the work (untimed) before each run."""
from django.utils import timezone

from tickets.escalations import sweep

from . import seed


def _due(count, now):
    return lambda: seed.make_due(count, now=now)


def register(measure):
    now = timezone.now()
    measure("sweep: idle", fn=lambda: sweep(now=now), setup=lambda: sweep(now=now), repeat=5)
    measure("sweep: 1,000 due", fn=lambda: sweep(now=now), setup=_due(1000, now), repeat=5, budget=120)
    measure("sweep: 10,000 due", fn=lambda: sweep(now=now), setup=_due(10000, now), repeat=3, budget=600)
