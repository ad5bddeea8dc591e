"""Time the first page of the ticket list (page and API) with the test client."""
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def _client():
    user, _ = get_user_model().objects.get_or_create(username="bench-dispatcher")
    user.groups.add(Group.objects.get(name="dispatcher"))
    client = Client()
    client.force_login(user)
    return client


def _p95(samples):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def run(*, repeat):
    client = _client()
    result = {}
    for name, url in (("list_page", "/tickets/"), ("list_api", "/api/tickets/"),
                      ("list_filtered", "/tickets/?status=new")):
        client.get(url)  # warm up
        samples = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - started)
        result[f"{name}_status"] = response.status_code
        result[f"{name}_p95_ms"] = round(_p95(samples) * 1000, 1)
        result[f"{name}_median_ms"] = round(statistics.median(samples) * 1000, 1)
        result[f"{name}_queries"] = len(queries)
    return result
