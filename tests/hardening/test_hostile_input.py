"""Never a 500: a fixed set of hostile bodies, parameters and path values sent to every
operation of the OpenAPI schema and every page of the URL resolver, as a supervisor and
as the engineers who own the tickets. Every answer must be below 500.

`HOSTILE_REPORT=1` prints how many requests were sent (the figure quoted in the README).
"""
import json
import os
import re
import time

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from staff import roles
from tests.hardening.surface import api_operations, build_world, fill, page_routes, params

pytestmark = pytest.mark.django_db
BUDGET_SECONDS = 600  # a hard bound: the sweep must stay cheap enough for CI
# /health/ answers 500 by design while a dependency is down (no sweep has run here).

NESTED = "[" * 2000 + "]" * 2000
NESTED_OBJECT = '{"a":' * 2000 + "1" + "}" * 2000
RAW_BODIES = ["[]", '"x"', "42", "true", "null", "{", NESTED, NESTED_OBJECT, '{"a": "\\u0000"}',
              '{"a": "\\ud800"}', "\x00"]
VALUES = ["a\x00b", "²", "x" * 20_000, "\ud800", -1, 10 ** 30, [], {}, None, "2000-01-01T00:00:00Z", "9999-12-31",
          [["x" * 10]] * 3]
QUERY_VALUES = ["a\x00b", "²", "x" * 5000, "1e400", "2026-02-30"]
PATH_VALUES = ["a\x00b", "²", "x" * 3000]
PAGE_QUERY_NAMES = ["q", "before", "page", "id", "status", "priority", "assignee", "engineer", "next", "number",
                    "created_after", "created_before", "service_type", "customer", "breached", "category"]
FORM_NAME = re.compile(r'name="([\w\-\[\]]+)"')


def _ok_values(world):
    t = world["onsite"]
    return {"number": t.number, "pk": world["customer"].pk, "id": world["customer"].pk, "action": "assign",
            "step": "receive"}


def _surrogate_safe(value):
    return json.dumps(value)  # lone surrogates become \\ud800 escapes, as a client would send them


class Sweep:
    def __init__(self):
        self.count, self.failures, self.started = 0, [], time.monotonic()

    def send(self, client, method, url, **kwargs):
        self.count += 1
        try:
            response = getattr(client, method)(url, **kwargs)
            status = response.status_code
        except Exception as exc:  # the test client re-raises view exceptions
            status = f"{type(exc).__name__}: {str(exc)[:120]}"
        if not isinstance(status, int) or (status >= 500 and url.split("?")[0] != "/health/"):
            body = kwargs.get("data")
            self.failures.append(f"{method.upper()} {url[:120]!r} {str(body)[:80]!r} -> {status}")
        assert time.monotonic() - self.started < BUDGET_SECONDS, "hostile sweep over its time budget"


def _hostile_paths(route, ok):
    names = params(route)
    yield fill(route, ok)
    for name in names:
        for value in PATH_VALUES:
            yield fill(route, {**ok, name: value})


def _api_sweep(sweep, client, ops, ok, values=VALUES, paths=True, query_values=QUERY_VALUES, raw=RAW_BODIES):
    for method, path, operation in ops:
        query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        urls = list(_hostile_paths(path, ok))
        for url in urls[1:] if paths else ():
            sweep.send(client, method, url)
        url = urls[0]
        if method in ("get", "delete"):
            for value in query_values:
                sweep.send(client, method, url, data={name: value for name in query or ["q"]}
                           if method == "get" else None)
            continue
        content = operation.get("requestBody", {}).get("content", {})
        props = {}
        for media in content.values():
            props.update(media.get("schema", {}).get("_props", {}))
        fields = sorted(props) or ["name"]
        for body in raw:
            sweep.send(client, method, url, data=body, content_type="application/json")
        for value in values:
            sweep.send(client, method, url, data=_surrogate_safe({f: value for f in fields}),
                       content_type="application/json")
        if "multipart/form-data" in content:
            for value in query_values:
                sweep.send(client, method, url, data={f: value for f in fields})


def _resolve_props(schema, ops):
    """Inline the request-body properties of each operation (from components)."""
    components = schema.get("components", {}).get("schemas", {})
    for _, _, operation in ops:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            ref = media.get("schema", {}).get("$ref", "")
            body = components.get(ref.rsplit("/", 1)[-1], {}) if ref else media.get("schema", {})
            media.setdefault("schema", {})["_props"] = body.get("properties", {})


def _page_sweep(sweep, client, ok, query_values=QUERY_VALUES):
    for route, _ in page_routes():
        urls = list(_hostile_paths(route, ok))
        for url in urls[1:]:
            sweep.send(client, "get", url)
            sweep.send(client, "post", url, data={"id": "²"})
        url = urls[0]
        try:
            html = client.get(url).content.decode("utf-8", "replace")
        except Exception:
            html = ""
        names = sorted(set(FORM_NAME.findall(html)) - {"csrfmiddlewaretoken"}) + PAGE_QUERY_NAMES
        for value in query_values:
            sweep.send(client, "get", url, data={n: value for n in PAGE_QUERY_NAMES})
            sweep.send(client, "post", url, data={n: value for n in names})
        sweep.send(client, "post", url, data=NESTED, content_type="application/json")


def test_no_hostile_input_gives_a_500(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    schema, ops = api_operations()
    _resolve_props(schema, ops)
    ok = _ok_values(world)
    sweep = Sweep()
    for role in (roles.SUPERVISOR, roles.ONSITE_ENGINEER, roles.DEPOT_ENGINEER):
        user = world["users"][role]
        api = Client(raise_request_exception=True, HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        t0 = time.monotonic()
        # The supervisor gets everything; the engineers (on their own tickets, where the
        # work actions get past the permission checks) a sample of bodies and values.
        if role == roles.SUPERVISOR:
            _api_sweep(sweep, api, ops, ok)
        else:
            number = (world["depot"] if role == roles.DEPOT_ENGINEER else world["onsite"]).number
            _api_sweep(sweep, api, [op for op in ops if "{number}" in op[1] and op[0] == "post"],
                       {**ok, "number": number}, values=[VALUES[0], VALUES[2], VALUES[5], VALUES[6], VALUES[9]],
                       paths=False, query_values=QUERY_VALUES[:2], raw=RAW_BODIES[:6])
        t1 = time.monotonic()
        page = Client(raise_request_exception=True)
        page.force_login(user)
        _page_sweep(sweep, page, ok, query_values=QUERY_VALUES if role == roles.SUPERVISOR else QUERY_VALUES[:3])
        if os.environ.get("HOSTILE_REPORT"):
            print(f"{role}: api {t1 - t0:.0f} s, pages {time.monotonic() - t1:.0f} s")
    if os.environ.get("HOSTILE_REPORT"):
        print(f"\nhostile sweep: {sweep.count} requests, {len(sweep.failures)} answered 5xx, "
              f"{len(ops)} API operations, {len(page_routes())} page routes, {time.monotonic() - sweep.started:.0f} s")
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.count} requests failed:\n" + "\n".join(
        sweep.failures[:80])
