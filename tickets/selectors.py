"""Reads: which tickets a user may see, searches used by intake and lists."""
from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Prefetch, Q, Subquery

from .models import SlaClock, Ticket, TicketEvent
from . import choices, search


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


def ticket_detail(user):
    return visible_tickets(user).select_related(
        "customer", "unit__model__product_line", "assignee", "fault_code", "created_by", "repeat_of",
        "service_report__created_by",
    ).prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor", "on_behalf_of")),
        Prefetch("clocks", queryset=SlaClock.objects.order_by("cycle", "started_at", "id")),
        "customer__phones",
    )


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
