"""Reads: which tickets a user may see, searches used by intake and lists."""
import re

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from .models import Customer, CustomerPhone, ProductUnit, SlaClock, Ticket, TicketEvent
from .phones import normalize_phone


def engineers(request=None):
    """Active users who may work tickets: the people a dispatcher assigns to.
    (Takes an optional request so django-filter can call it as a queryset.)"""
    return get_user_model().objects.filter(
        Q(groups__permissions__codename="work_ticket") | Q(user_permissions__codename="work_ticket")
        | Q(is_superuser=True), is_active=True,
    ).distinct().order_by("first_name", "username")


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


def ticket_detail(user):
    return visible_tickets(user).select_related(
        "customer", "unit__model__product_line", "assignee", "fault_code", "created_by", "repeat_of",
    ).prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor", "on_behalf_of")),
        Prefetch("clocks", queryset=SlaClock.objects.order_by("cycle", "started_at", "id")),
        "customer__phones",
    )


def search_customers(term, *, limit=10):
    """Find customers as the agent types: phone prefix, unit serial prefix or name."""
    term = (term or "").strip()
    if len(term) < 2:
        return Customer.objects.none()
    match = Q(name__icontains=term) | Q(pk__in=ProductUnit.objects.filter(
        serial_number__istartswith=term).values("customer_id"))
    digits = phone_prefix(term)
    if len(digits) >= 3:
        match |= Q(pk__in=CustomerPhone.objects.filter(number__startswith=digits).values("customer_id"))
    return (Customer.objects.filter(match).prefetch_related("phones", "units__model")
            .order_by("name", "id")[:limit])


_PHONE_LIKE = re.compile(r"[\d\s\-().+]+")


def phone_prefix(term):
    """The digits to match stored phones by prefix, or "" when the term is not a phone
    ("(010) 6552", "+86 138 0013" as typed so far)."""
    if not _PHONE_LIKE.fullmatch(term):
        return ""
    return normalize_phone(term)


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
