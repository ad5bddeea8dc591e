"""Reads for the dispatch board: the unassigned queue, engineer lanes with their load,
and ranked engineer suggestions. A constant number of queries whatever the sizes."""
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from tickets.choices import OPEN_STATUSES, ServiceType, Status
from tickets.models import Ticket
from tickets.selectors import visible_tickets

from .models import EngineerProfile, EngineerStatus

QUEUE_LIMIT = 100
DEPOT_TYPES = (ServiceType.CARRY_IN, ServiceType.MAIL_IN)


def depot_tickets(user):
    """Tickets a user may open on the depot bench: the ones they can see anyway, plus,
    for depot staff, every carry-in/mail-in ticket (units arrive before assignment)."""
    visible = visible_tickets(user)
    if user.has_perm("dispatch.add_depotreceipt"):
        return Ticket.objects.filter(Q(pk__in=visible.values("pk")) | Q(service_type__in=DEPOT_TYPES))
    return visible


def queue(*, area=None, product_line=None, service_type=None, limit=QUEUE_LIMIT):
    """New tickets, most urgent response deadline first (index ticket_status_response_due_idx)."""
    tickets = Ticket.objects.filter(status=Status.NEW)
    if area:
        tickets = tickets.filter(customer__area=area)
    if product_line:
        tickets = tickets.filter(unit__model__product_line__code=product_line)
    if service_type:
        tickets = tickets.filter(service_type=service_type)
    return list(tickets.select_related("customer", "unit__model__product_line", "fault_code")
                .order_by("response_due_at", "id")[:limit])


def engineers(*, area=None, product_line=None, service_type=None):
    """Engineer profiles of active engineers with open-job load and their open jobs."""
    open_jobs = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("customer", "unit__model") \
        .order_by("status", "completion_due_at", "id")
    profiles = (EngineerProfile.objects.filter(user__is_active=True, user__is_superuser=False)
                .select_related("user").prefetch_related(
                    "product_lines", Prefetch("user__assigned_tickets", queryset=open_jobs, to_attr="open_jobs"))
                .annotate(load=Count("user__assigned_tickets",
                                     filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES), distinct=True))
                .order_by("status", "user__first_name", "user__username"))
    if area:
        profiles = profiles.filter(area=area)
    if product_line:
        profiles = profiles.filter(product_lines__code=product_line)
    if service_type in DEPOT_TYPES:
        profiles = profiles.filter(does_depot=True)
    elif service_type == ServiceType.ONSITE:
        profiles = profiles.filter(does_onsite=True)
    return list(profiles.distinct())


@dataclass
class Suggestion:
    profile: EngineerProfile
    score: float
    reasons: list = field(default_factory=list)


_STATUS_SCORE = {EngineerStatus.AVAILABLE: 3, EngineerStatus.ON_JOB: 1}


def suggest(ticket, profiles, *, limit=3):
    """Rank engineers for a ticket: able to do the service type (required), not off
    duty (required), then skill match, same area, availability and lowest load."""
    ranked = []
    for profile in profiles:
        if profile.status == EngineerStatus.OFF_DUTY or not _can_do(profile, ticket.service_type):
            continue
        ranked.append(_score(profile, ticket))
    ranked.sort(key=lambda s: (-s.score, s.profile.load, s.profile.user_id))
    return ranked[:limit]


def _can_do(profile, service_type):
    if service_type in DEPOT_TYPES:
        return profile.does_depot
    if service_type == ServiceType.ONSITE:
        return profile.does_onsite
    return True


def _score(profile, ticket):
    suggestion = Suggestion(profile=profile, score=0.0)
    line_id = ticket.unit.model.product_line_id if ticket.unit_id else None
    if line_id and any(line.pk == line_id for line in profile.product_lines.all()):
        suggestion.score += 4
        suggestion.reasons.append("skill")
    if profile.area == ticket.customer.area:
        suggestion.score += 2
        suggestion.reasons.append("area")
    suggestion.score += _STATUS_SCORE.get(profile.status, 0)
    if profile.status == EngineerStatus.AVAILABLE:
        suggestion.reasons.append("available")
    suggestion.score -= 1.0 * profile.load  # skill is worth four open jobs
    return suggestion


def board(*, area=None, product_line=None, service_type=None):
    """Everything the board shows, with suggestions per queued ticket."""
    lanes = engineers(area=area, product_line=product_line)
    queued = queue(area=area, product_line=product_line, service_type=service_type)
    return {
        "queue": [(t, suggest(t, lanes)) for t in queued],
        "lanes": lanes,
    }
