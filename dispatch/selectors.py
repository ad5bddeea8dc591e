"""Reads for the dispatch board: the unassigned queue (the most urgent few and a count),
engineer lanes with their load, ranked suggestions with their reasons in words, and the
board's version for the poll. A constant number of queries whatever the sizes, each
served by an index on open tickets only (the board never reads history)."""
import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Min, OuterRef, Q, Window
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.choices import OPEN_STATUSES, ServiceType, Status
from tickets.models import ProductLine, Ticket
from tickets.selectors import visible_tickets

from . import services
from .models import EngineerProfile, EngineerStatus

QUEUE_LIMIT = 30
DEPOT_TYPES = (ServiceType.CARRY_IN, ServiceType.MAIL_IN)


def depot_tickets(user):
    """Tickets a user may open on the depot bench: the ones they can see anyway, plus,
    for depot staff, every carry-in/mail-in ticket (units arrive before assignment)."""
    visible = visible_tickets(user)
    if user.has_perm("dispatch.add_depotreceipt"):
        return Ticket.objects.filter(Q(pk__in=visible.values("pk")) | Q(service_type__in=DEPOT_TYPES))
    return visible


def _queued(*, area=None, product_line=None, service_type=None):
    tickets = Ticket.objects.filter(status=Status.NEW)
    if area:
        tickets = tickets.filter(customer__area=area)
    if product_line:
        tickets = tickets.filter(unit__model__product_line__code=product_line)
    if service_type:
        tickets = tickets.filter(service_type=service_type)
    return tickets


def queue(*, area=None, product_line=None, service_type=None, limit=QUEUE_LIMIT, with_total=False):
    """New tickets, most urgent response deadline first (index ticket_status_response_due_idx).
    `with_total`: each ticket also carries `total`, how many are queued in all (a window
    count in the same statement)."""
    tickets = (_queued(area=area, product_line=product_line, service_type=service_type)
               .select_related("customer", "unit__model__product_line")  # what a card shows: no fault code
               .order_by("response_due_at", "id"))
    if with_total:
        tickets = tickets.annotate(total=Window(Count("id")))
    return list(tickets[:limit])


def queue_count(**filters):
    return _queued(**filters).count()


def open_loads():
    """{engineer id: (open jobs, earliest completion deadline)}: one grouped count over
    open tickets (index ticket_status_idx), never over an engineer's history."""
    rows = (Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
            .values("assignee_id").annotate(load=Count("id"), next_due=Min("completion_due_at")).order_by())
    return {row["assignee_id"]: (row["load"], row["next_due"]) for row in rows}


def product_lines():
    """{id: product line}, ordered by name (a catalog of a few rows, read once per board)."""
    return {line.pk: line for line in ProductLine.objects.order_by("name")}


def engineers(*, area=None, product_line=None, service_type=None, lines=None):
    """Profiles of active engineers with `load` (open jobs) and `next_due_at` set. With
    `lines` ({id: product line}, from product_lines()) on PostgreSQL, the skills come as an
    array of ids in the profiles' own query."""
    profiles = (EngineerProfile.objects.filter(user__is_active=True, user__is_superuser=False)
                .select_related("user")
                .order_by("status", "user__first_name", "user__username"))
    if area:
        profiles = profiles.filter(area=area)
    if product_line:
        profiles = profiles.filter(product_lines__code=product_line)
    if service_type in DEPOT_TYPES:
        profiles = profiles.filter(does_depot=True)
    elif service_type == ServiceType.ONSITE:
        profiles = profiles.filter(does_onsite=True)
    if lines is not None and connection.vendor == "postgresql":
        through = EngineerProfile.product_lines.through
        profiles = list(profiles.annotate(line_ids=ArraySubquery(
            through.objects.filter(engineerprofile_id=OuterRef("pk")).values("productline_id"))))
        skills = {p.pk: sorted((lines[i] for i in p.line_ids if i in lines), key=lambda line: line.name)
                  for p in profiles}
    else:
        profiles = list(profiles)
        skills = _skills([p.pk for p in profiles])
    loads = open_loads()
    for profile in profiles:
        profile.load, profile.next_due_at = loads.get(profile.user_id, (0, None))
        profile.skills = skills.get(profile.pk, [])
        profile.skill_ids = {line.pk for line in profile.skills}
        profile.skill_codes = [line.code for line in profile.skills]
    return profiles


def _skills(profile_ids):
    """{profile id: [product lines]} from one join over the skills table (300 engineers
    would otherwise build 300 related managers on every render)."""
    if not profile_ids:
        return {}
    through = EngineerProfile.product_lines.through
    rows = through.objects.filter(engineerprofile_id__in=profile_ids).select_related("productline").order_by(
        "productline__name")
    found = {}
    for row in rows:
        found.setdefault(row.engineerprofile_id, []).append(row.productline)
    return found


def lane_jobs(engineer_id):
    """One engineer's open jobs, most urgent first (index ticket_assignee_status_idx)."""
    return list(Ticket.objects.filter(assignee_id=engineer_id, status__in=OPEN_STATUSES)
                .select_related("customer", "unit__model").order_by("completion_due_at", "id"))


@dataclass
class Suggestion:
    profile: EngineerProfile
    score: float
    reasons: list = field(default_factory=list)  # codes: skill, area, available
    explanation: list = field(default_factory=list)  # the same and the load, in words


_STATUS_SCORE = {EngineerStatus.AVAILABLE: 3, EngineerStatus.ON_JOB: 1}


class Pool:
    """The on-duty engineers grouped by service type and skill, built once per board so
    each queued ticket looks only at those who could take it. The ranking depends only
    on that group and the customer's area, so it is computed once per (group, area):
    30 queued tickets share a handful of rankings."""

    def __init__(self, profiles):
        self.on_duty = [p for p in profiles if p.status != EngineerStatus.OFF_DUTY]
        self._groups = {}
        self._shown = {}

    def _key(self, ticket):
        kind = "depot" if ticket.service_type in DEPOT_TYPES else (
            "onsite" if ticket.service_type == ServiceType.ONSITE else "any")
        return kind, (ticket.unit.model.product_line_id if ticket.unit_id else None)

    def candidates(self, ticket):
        key = self._key(ticket)
        if key not in self._groups:
            line_id = key[1]
            self._groups[key] = [p for p in self.on_duty if services.can_do_service_type(p, ticket.service_type)
                                 and (line_id is None or line_id in p.skill_ids)]
        return self._groups[key]

    def suggestions(self, ticket, limit):
        key = (*self._key(ticket), ticket.customer.area, limit)
        if key not in self._shown:
            self._shown[key] = _rank(ticket, self.candidates(ticket), limit)
        return self._shown[key]


def suggest(ticket, profiles, *, limit=3, pool=None):
    """Rank the engineers who fit the ticket without an override (on duty, doing its
    service type, with its product line's skill): same area, then availability, then
    the lowest load. Only the suggestions shown are explained in words."""
    if pool is not None:
        return pool.suggestions(ticket, limit)
    return _rank(ticket, profiles, limit)


def _rank(ticket, profiles, limit):
    ranked = []
    for profile in profiles:
        skills = getattr(profile, "skill_ids", None)
        if skills is None:
            skills = profile.skill_ids = {line.pk for line in profile.product_lines.all()}
        if services.mismatches(ticket, profile, skill_ids=skills):
            continue
        ranked.append(_score(profile, ticket, skills))
    ranked.sort(key=lambda s: (-s.score, s.profile.load, s.profile.user_id))
    shown = ranked[:limit]
    for suggestion in shown:
        _explain(suggestion, ticket)
    return shown


def _score(profile, ticket, skills):
    suggestion = Suggestion(profile=profile, score=0.0)
    line_id = ticket.unit.model.product_line_id if ticket.unit_id else None
    if line_id is not None and line_id in skills:
        suggestion.score += 4
        suggestion.reasons.append("skill")
    if profile.area == ticket.customer.area:
        suggestion.score += 2
        suggestion.reasons.append("area")
    suggestion.score += _STATUS_SCORE.get(profile.status, 0)
    if profile.status == EngineerStatus.AVAILABLE:
        suggestion.reasons.append("available")
    suggestion.score -= 1.0 * profile.load  # an open job weighs half the same area
    return suggestion


def _explain(suggestion, ticket):
    """Why it ranks there, in the reader's language."""
    profile, words = suggestion.profile, suggestion.explanation
    if "skill" in suggestion.reasons:
        words.append(_("has the %(line)s skill") % {"line": ticket.unit.model.product_line.name})
    if "area" in suggestion.reasons:
        words.append(_("works in the customer's area (%(area)s)") % {"area": profile.get_area_display()})
    else:
        words.append(_("works in another area (%(area)s)") % {"area": profile.get_area_display()})
    words.append(_("available now") if "available" in suggestion.reasons else _("on a job"))
    words.append(ngettext("%(n)d open job", "%(n)d open jobs", profile.load) % {"n": profile.load})


def board(*, area=None, product_line=None, service_type=None, limit=None, lines=None, queue_total=None):
    """Everything the board shows: the `limit` most urgent queued tickets with their
    suggestions, how many are queued in all, and the engineer lanes. `queue_total` may be
    known already (board_state() counts the unfiltered queue); otherwise the queue's own
    statement counts it."""
    limit = limit or QUEUE_LIMIT
    lanes = engineers(area=area, product_line=product_line, lines=lines)
    pool = Pool(lanes)
    filters = {"area": area, "product_line": product_line, "service_type": service_type}
    tickets = queue(limit=limit, with_total=queue_total is None, **filters)
    if queue_total is None:
        queue_total = tickets[0].total if tickets else 0
    return {
        "queue": [(t, suggest(t, lanes, pool=pool)) for t in tickets],
        "queue_total": queue_total,
        "lanes": lanes,
    }


def board_state():
    """(version, tickets queued): the version is a fingerprint of everything the board
    shows, from one statement of two small aggregates (open tickets through
    ticket_status_idx, and the engineer profiles); the poll answers 304 Not Modified while
    it stays the same. The count of new tickets is the unfiltered queue's total."""
    open_statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    statuses = ", ".join(f"COUNT(*) FILTER (WHERE status = '{s}')" for s in EngineerStatus.values)
    true = "" if connection.vendor == "postgresql" else " = 1"
    sql = (f"SELECT t.*, e.* FROM (SELECT COUNT(*) FILTER (WHERE status = 'new') AS queued, COUNT(*) AS open,"
           f" MAX(updated_at) AS changed, COUNT(*) FILTER (WHERE sla_warned{true}) AS warned,"
           f" COUNT(*) FILTER (WHERE sla_breached{true}) AS breached"
           f" FROM {Ticket._meta.db_table} WHERE status IN ({open_statuses})) AS t,"
           f" (SELECT COUNT(*) AS profiles, MAX(status_changed_at) AS status_changed, {statuses}"
           f" FROM {EngineerProfile._meta.db_table}) AS e")
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(s) for s in OPEN_STATUSES])
        row = cursor.fetchone()
    return hashlib.sha1(repr(row).encode()).hexdigest()[:16], row[0]


def board_version():
    return board_state()[0]
