"""Role × URL matrix: every page (URL resolver) and every API operation (OpenAPI schema)
for every role and for an anonymous visitor. Endpoints added later join automatically.

Invariants checked on each cell:
- anonymous: pages redirect to the sign-in page (or refuse), the API answers 401;
- nobody ever gets a 5xx;
- a role that does not see all tickets never sees another engineer's customer, unit or
  ticket: not as a 2xx on its URL, and not as a name or number inside any answer;
- the read-only manager changes nothing: no write operation answers 2xx.

`ROLE_MATRIX_REPORT=1` prints how many access checks were made.
"""
import os

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from staff import roles
from tests.factories import CustomerFactory, CustomerPhoneFactory, ProductUnitFactory, UserFactory
from tests.hardening.surface import ROLES, api_operations, build_world, fill, page_routes
from tickets import choices, services

pytestmark = pytest.mark.django_db
PUBLIC = {"/login/", "/health/", "/health/live/", "/i18n/setlang/", "/api/auth/token/"}
# The customer's survey needs no login: only its single-use token opens it (quality).
SURVEY = "/survey/"
HEALTH = "/health/"  # answers 500 by design when a dependency is down (here: no sweep has run)
SECRET_NAME = "Zebulon Quarterfield"
SECRET_PHONE = "13999887766"


def _secret(world):
    customer = CustomerFactory(name=SECRET_NAME, address="77 Hidden Lane")
    CustomerPhoneFactory(customer=customer, raw=SECRET_PHONE)
    unit = ProductUnitFactory(customer=customer, serial_number="SECRET-SN-991")
    ticket = services.create_ticket(by=world["users"][roles.AGENT], now=world["onsite"].created_at,
                                    customer=customer, unit=unit, channel=choices.Channel.PHONE,
                                    category=choices.Category.REPAIR, service_type=choices.ServiceType.ONSITE,
                                    fault_description="secret fault")
    other = UserFactory(username="w-other-engineer", roles=[roles.ONSITE_ENGINEER])
    services.assign_ticket(ticket, other, by=world["users"][roles.DISPATCHER], now=world["onsite"].created_at)
    return {"number": ticket.number, "pk": customer.pk, "id": customer.pk, "customer": customer, "unit": unit,
            "ticket": ticket}


def _cells(world, secret):
    """(kind, method, url, secret?) for every page and API operation, with the world's own
    records and with the secret records in the path."""
    own = {"number": world["onsite"].number, "pk": world["customer"].pk, "id": world["customer"].pk,
           "action": "assign", "step": "receive"}
    hidden = {**own, "number": secret["number"], "pk": secret["pk"], "id": secret["pk"]}
    cells = set()
    for route, _ in page_routes():
        cells.add(("page", "get", fill(route, own), False))
        if "<str:number>" in route or route.startswith("tickets/customers/<"):
            cells.add(("page", "get", fill(route, hidden), True))
    _, ops = api_operations()
    for method, path, _ in ops:
        cells.add(("api", method, fill(path, own), False))
        if "{number}" in path or path.startswith(("/api/customers/{", "/api/units/{")):
            ids = {**hidden, "id": secret["unit"].pk} if path.startswith("/api/units/") else hidden
            cells.add(("api", method, fill(path, ids), True))
    return sorted(cells)


def _leaks(body, secret):
    return [s for s in (SECRET_NAME, SECRET_PHONE, "SECRET-SN-991", secret["number"]) if s in body]


def test_every_role_on_every_page_and_endpoint(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    secret = _secret(world)
    cells = _cells(world, secret)
    problems, checks = [], 0
    for role in [None, *ROLES]:
        user = world["users"].get(role)
        page = Client(raise_request_exception=False)
        api = Client(raise_request_exception=False)
        if user:
            page.force_login(user)
            api.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
        sees_all = bool(user and user.has_perm("tickets.view_all_tickets"))
        for kind, method, url, is_secret in cells:
            client = page if kind == "page" else api
            if method == "get":
                response = client.get(url)
            elif role == roles.MANAGER or role is None:  # writes: only the read-only role and anonymous
                response = getattr(client, method)(url, data="{}", content_type="application/json")
            else:
                continue
            checks += 1
            status = response.status_code
            cell = f"{role or 'anonymous'} {method.upper()} {url} -> {status}"
            if status >= 500 and url != HEALTH:
                problems.append(cell + " (server error)")
            if url.startswith(SURVEY) and status < 400:
                problems.append(cell + " (a survey opened with a made-up token)")
            if role is None and url not in PUBLIC and not url.startswith(SURVEY):
                if kind == "api" and status != 401:
                    problems.append(cell + " (anonymous API must be 401)")
                if kind == "page" and not (status in (302, 403, 405) or status == 404 and is_secret):
                    problems.append(cell + " (anonymous page must redirect to sign-in)")
                if kind == "page" and status == 302 and "/login/" not in response["Location"]:
                    problems.append(cell + " (redirect not to sign-in)")
            if role == roles.MANAGER and method != "get" and 200 <= status < 300:
                problems.append(cell + " (read-only manager changed something)")
            if user and not sees_all and status < 300:
                body = response.content.decode("utf-8", "replace") if not response.streaming else ""
                if is_secret:
                    problems.append(cell + " (another engineer's record answered 2xx)")
                elif _leaks(body, secret):
                    problems.append(cell + f" (leaks {_leaks(body, secret)})")
    if os.environ.get("ROLE_MATRIX_REPORT"):
        print(f"\nrole matrix: {checks} access checks over {len(cells)} URLs x {len(ROLES) + 1} roles, "
              f"{len(problems)} problems")
    assert not problems, f"{len(problems)} of {checks} access checks failed:\n" + "\n".join(problems[:60])
