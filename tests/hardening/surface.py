"""The app's whole surface, derived rather than listed: every API operation from the
OpenAPI schema and every page from the URL resolver, so endpoints added later are
covered by the hostile-input sweep and the role × URL matrix without editing them."""
import re
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from staff import roles
from tests.factories import ProductUnitFactory, UserFactory
from tickets import choices, services

# Django's own admin (its own permission system) and the language switch are not ours.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/")  # api/ comes from the schema instead
ROLES = [role for role in roles.ROLES if role != roles.ADMINISTRATOR]  # the administrator works in /admin/


def api_operations():
    """[(method, path template, operation)] for every operation in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((method, path, operation))
    return schema, ops


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def page_routes():
    """[(route, pattern)] for every page route of the URL resolver (outside /api/)."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        routes.append((route, pattern))
    return routes


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\{(\w+)\}")


def fill(route, values):
    """Put values (by parameter name) into a Django route `<int:pk>` or an OpenAPI path `{id}`."""
    def sub(match):
        name = match.group(2) or match.group(3)
        return str(values.get(name, 1))  # a parameter added later: any id will do
    return "/" + PARAM.sub(sub, route).lstrip("/")


def params(route):
    return [m.group(2) or m.group(3) for m in PARAM.finditer(route)]


def build_world(now=None):
    """One of everything the URLs point at: a user per role, an onsite ticket assigned to
    the onsite engineer, a carry-in ticket on the depot bench, an escalation, a notification."""
    from tickets.escalations import sweep

    now = now or timezone.now()
    users = {role: UserFactory(username=f"w-{role}", roles=[role]) for role in ROLES}
    unit = ProductUnitFactory()
    base = {"customer": unit.customer, "unit": unit, "channel": choices.Channel.PHONE,
            "category": choices.Category.REPAIR, "fault_description": "No power", "by": users[roles.AGENT]}
    onsite = services.create_ticket(service_type=choices.ServiceType.ONSITE, now=now - timedelta(days=3),
                                    priority=choices.Priority.CRITICAL, **base)
    services.assign_ticket(onsite, users[roles.ONSITE_ENGINEER], by=users[roles.DISPATCHER],
                           now=now - timedelta(days=3))
    depot = services.create_ticket(service_type=choices.ServiceType.CARRY_IN, now=now,
                                   duplicate_reason="Second unit fault, brought in", **base)
    services.assign_ticket(depot, users[roles.DEPOT_ENGINEER], by=users[roles.DISPATCHER], now=now)
    sweep(now=now)
    onsite.refresh_from_db()
    from tickets.models import Escalation

    escalation = Escalation.objects.filter(ticket=onsite).first()
    return {"users": users, "unit": unit, "customer": unit.customer, "onsite": onsite, "depot": depot,
            "escalation": escalation}
