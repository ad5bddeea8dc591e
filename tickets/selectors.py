"""Reads: which tickets a user may see, searches used by intake and lists."""
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject

from .models import Completion, Customer, CustomerPhone, ProductUnit, SlaClock, Ticket, TicketEvent
from . import choices, search


def engineers(request=None):
    """Active users who may work tickets: the people a dispatcher assigns to. Never the
    superuser (an administrator's account is not an engineer, whatever its powers).
    (Takes an optional request so django-filter can call it as a queryset.)"""
    return get_user_model().objects.filter(
        Q(groups__permissions__codename="work_ticket") | Q(user_permissions__codename="work_ticket"),
        is_active=True, is_superuser=False,
    ).distinct().order_by("first_name", "last_name", "username")


def visible_tickets(user):
    """Every ticket for roles that see all; an engineer sees only their own jobs."""
    tickets = Ticket.objects.all()
    if user.has_perm("tickets.view_all_tickets"):
        return tickets
    if user.has_perm("tickets.view_ticket"):
        return tickets.filter(assignee=user)
    return tickets.none()


def visible_customers(user):
    """Customers a user may look up: every customer for roles that see all tickets; an
    engineer only the customers of their own jobs (pages, API and field jobs alike)."""
    customers = Customer.objects.all()
    if user.has_perm("tickets.view_all_tickets"):
        return customers
    if user.has_perm("tickets.view_customer"):
        return customers.filter(pk__in=visible_tickets(user).values("customer_id"))
    return customers.none()


def visible_units(user):
    """Units, by the same rule as customers: an engineer sees the units of their jobs."""
    units = ProductUnit.objects.all()
    if user.has_perm("tickets.view_all_tickets"):
        return units
    if user.has_perm("tickets.view_productunit"):
        return units.filter(pk__in=visible_tickets(user).exclude(unit=None).values("unit_id"))
    return units.none()


def ticket_list(user):
    """The list page and the list endpoint: what each row shows, in a constant number of queries."""
    return visible_tickets(user).select_related(
        "customer", "unit__model", "assignee", "fault_code"
    ).order_by("-id")


def my_jobs(user):
    """An engineer's open jobs, most urgent first: the nearest deadline of a running SLA
    clock (response, arrival, completion…), jobs without one last, then oldest first.
    Served by ticket_assignee_status_idx and, per job, the clocks' (ticket, kind, cycle) index."""
    next_due = (SlaClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True)
                .order_by("due_at").values("due_at")[:1])
    return (
        Ticket.objects.filter(assignee=user, status__in=choices.OPEN_STATUSES)
        .annotate(next_due=Subquery(next_due))
        .select_related("customer", "unit__model", "fault_code")
        .prefetch_related("customer__phones")
        .order_by(F("next_due").asc(nulls_last=True), "created_at", "id")
    )


def ticket_api_detail(user):
    """One ticket for the API: only what TicketDetailSerializer reads (no timeline, which
    has its own endpoint), in two queries."""
    return visible_tickets(user).select_related(
        "customer", "unit__model", "assignee", "fault_code", "created_by", "repeat_of",
        "service_report__created_by",
    ).prefetch_related(Prefetch("clocks", queryset=SlaClock.objects.order_by("cycle", "started_at", "id")))


def _ticket_with_history(user):
    return visible_tickets(user).select_related(
        "customer", "unit__model__product_line", "assignee", "fault_code", "created_by", "repeat_of",
        "service_report__created_by", "service_point",
    ).prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor", "on_behalf_of")),
        Prefetch("clocks", queryset=SlaClock.objects.order_by("cycle", "started_at", "id")),
        Prefetch("completions", queryset=Completion.objects.select_related("engineer", "repeat_of")),
    )


def ticket_detail(user):
    return _ticket_with_history(user).prefetch_related("customer__phones")


_PHONE_FIELDS = ("id", "number", "raw", "label")


def ticket_page(user):
    """ticket_detail for the ticket page: on PostgreSQL the customer's phones come inside
    the ticket's query (an array of JSON rows; with_customer_phones puts them where
    `customer.phones.all` finds them), one query fewer per page."""
    if connection.vendor != "postgresql":
        return ticket_detail(user)
    from django.contrib.postgres.expressions import ArraySubquery

    phones = CustomerPhone.objects.filter(customer=OuterRef("customer_id")).order_by("id").values(
        row=JSONObject(**{name: name for name in _PHONE_FIELDS}))
    return _ticket_with_history(user).annotate(customer_phone_rows=ArraySubquery(phones))


def with_customer_phones(ticket):
    rows = getattr(ticket, "customer_phone_rows", None)
    if rows is None or ticket.customer is None:
        return ticket
    phones = []
    for row in rows:
        phone = CustomerPhone(customer_id=ticket.customer_id, **{name: row[name] for name in _PHONE_FIELDS})
        phone._state.adding, phone._state.db = False, ticket._state.db
        phone.customer = ticket.customer
        phones.append(phone)
    cached = ticket.customer.phones.all()
    cached._result_cache, cached._prefetch_done = phones, True
    ticket.customer._prefetched_objects_cache = {**getattr(ticket.customer, "_prefetched_objects_cache", {}),
                                                 "phones": cached}
    return ticket


def search_customers(term, *, limit=10):
    """Find customers as the agent types: phone prefix, unit serial prefix or name
    (tickets.search: one indexed lookup per kind of term)."""
    return search.search_customers(term, limit=limit).prefetch_related("phones", "units__model")


def phone_prefix(term):
    """The digits to match stored phones by prefix, or "" when the term is not a phone
    ("(010) 6552", "+86 138 0013" as typed so far)."""
    return search.phone_digits(term)


def customer_units(customer):
    return customer.units.select_related("model__product_line").order_by("-created_at")


def record_sweep_run(name, *, started_at, finished_at, raised):
    """The worker's heartbeat: when the sweep last ran (one row per task)."""
    from .models import SweepRun

    SweepRun.objects.update_or_create(name=name, defaults={
        "started_at": started_at, "finished_at": finished_at, "raised": raised})


def sweep_status(*, now):
    """The sweep's last run, its age, and its lag: how long the oldest clock that is due
    has been waiting (0 when nothing is due). Read with two indexed queries."""
    from django.conf import settings

    from .models import SweepRun

    run = SweepRun.objects.filter(name="sla_sweep").first()
    oldest_due = (SlaClock.objects.filter(next_due_at__lte=now).order_by("next_due_at")
                  .values_list("next_due_at", flat=True).first())
    return {
        "last_run": run,
        "age": (now - run.finished_at) if run else None,
        "lag": (now - oldest_due) if oldest_due else None,
        "interval_seconds": settings.SLA_SWEEP_SECONDS,
        "stale_after_seconds": max(3 * settings.SLA_SWEEP_SECONDS, 180),
    }
