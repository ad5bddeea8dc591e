"""Every figure of the manager reports (SPEC §9), computed by database aggregation.

Each figure is defined once, here; the counts, the drill-down ticket lists, the exports,
the API and the daily rollup all use the same querysets, so they cannot disagree.

Definitions (completions are tickets.Completion rows, one per completion of a ticket,
so reopening never rewrites finished work):
- received: repair tickets created in the period;
- completed: completions of repair tickets in the period (a ticket completed, reopened
  and completed again in one period counts twice);
- succeeded: completed as repaired or replaced and not failed (the same fault did not
  come back inside seed 002's window: 72 h software, 7 days hardware without a part);
- first-time fix: succeeded on the ticket's first completion, without a second visit
  (no special circumstance — a hold for parts, a customer reason or a holiday — and never
  sent to a vendor);
- repeats: completions in the period that redo an earlier completion of the ticket;
  failed: completions in the period whose fault came back inside the window;
- DOA: DOA repair tickets created in the period ÷ units of that model shipped in the
  months of the period;
- SLA: clocks stopped in the period, met or breached (imported history has no clocks).
"""
import contextvars
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Avg, Count, DecimalField, DurationField, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from spares.models import MilestoneKind, MoveKind, Rma, RmaMilestone, StockMove, Vendor

from tickets import choices
from tickets.choices import Category, Outcome
from tickets.models import ProductModel
from tickets.models import ClockKind, ClockOutcome, Completion, Escalation, EscalationLevel, SlaClock, Ticket

from ..choices import CallbackResult, ComplaintCategory, ComplaintStatus, Severity
from ..models import Callback, Complaint
from ..models.reports import Shipment
from .stats import median_p90_minutes, median_p90_minutes_overall, rate

FIXED = (Outcome.REPAIRED, Outcome.REPLACED)


def _dims(query, prefix="", engineer="assignee_id"):
    """The report filters as a Q on Ticket (or on a model reaching Ticket via `prefix`)."""
    conditions = {}
    if query.product_line:
        conditions[f"{prefix}unit__model__product_line_id"] = query.product_line
    if query.model:
        conditions[f"{prefix}d_model_id"] = query.model  # the unit's model, copied onto the ticket
    if query.service_type:
        conditions[f"{prefix}service_type"] = query.service_type
    if query.area:
        conditions[f"{prefix}customer__area"] = query.area
    if query.service_point:
        conditions[f"{prefix}service_point_id"] = query.service_point
    if query.engineer:
        conditions[engineer if engineer != "assignee_id" else f"{prefix}assignee_id"] = query.engineer
    return Q(**conditions)


def _copied_dims(query, engineer):
    """The report filters on the dimensions copied onto completions and stopped clocks
    (tickets/models/report_dims.py): no join to the ticket table."""
    conditions = {}
    if query.product_line:
        conditions["d_product_line_id"] = query.product_line
    if query.model:
        conditions["d_model_id"] = query.model
    if query.service_type:
        conditions["d_service_type"] = query.service_type
    if query.area:
        conditions["d_area"] = query.area
    if query.service_point:
        conditions["d_service_point_id"] = query.service_point
    if query.engineer:
        conditions[engineer] = query.engineer
    return Q(**conditions)


def repairs(query):
    return Ticket.objects.filter(_dims(query), category=Category.REPAIR)


def received(query):
    return repairs(query).filter(created_at__gte=query.since, created_at__lt=query.until)


def completions(query):
    """Completions of repair tickets in the period; the engineer filter is who did the work."""
    return Completion.objects.filter(
        _copied_dims(query, "engineer_id"), d_category=Category.REPAIR,
        completed_at__gte=query.since, completed_at__lt=query.until)


SUCCEEDED = Q(outcome__in=FIXED, failed=False)
SECOND_VISIT = Q(d_second_visit=True)  # sent to a vendor or a special circumstance, as at completion
FIRST_TIME_FIXED = SUCCEEDED & Q(sequence=1) & ~SECOND_VISIT


def _tickets_of(completion_rows):
    return Ticket.objects.filter(pk__in=completion_rows.values("ticket_id"))


def completed(query):
    return _tickets_of(completions(query))


def succeeded(query):
    return _tickets_of(completions(query).filter(SUCCEEDED))


def not_succeeded(query):
    return _tickets_of(completions(query).exclude(SUCCEEDED))


def first_time_fixed(query):
    return _tickets_of(completions(query).filter(FIRST_TIME_FIXED))


def doa_received(query):
    return received(query).filter(is_doa=True)


def repeats(query):
    return _tickets_of(completions(query).filter(is_repeat=True))


def failed(query):
    return _tickets_of(completions(query).filter(failed=True))


def sla_breached(query, clock=""):
    clocks = clocks_stopped(query).filter(outcome=ClockOutcome.BREACHED)
    if clock:
        clocks = clocks.filter(kind=clock)
    return Ticket.objects.filter(pk__in=clocks.values("ticket_id"))


def parts_used(query, part=None):
    moves = part_moves(query).filter(kind=MoveKind.ISSUE)
    if part:
        moves = moves.filter(part_id=part)
    return Ticket.objects.filter(pk__in=moves.values("ticket_id"))


def _rma_tickets(rows, vendor=None, field="vendor_id"):
    if vendor:
        rows = rows.filter(**{field: vendor})
    return Ticket.objects.filter(pk__in=rows.values("ticket_id" if field == "vendor_id" else "rma__ticket_id"))


def at_vendor(query, vendor=None):
    return _rma_tickets(at_vendor_rmas(query), vendor)


def rma_returned(query, vendor=None):
    return _rma_tickets(returned_rmas(query), vendor)


def rma_overdue(query, vendor=None, milestone=None):
    rows = overdue_milestones(query)
    if milestone:
        rows = rows.filter(kind=milestone)
    return _rma_tickets(rows, vendor, field="rma__vendor_id")


def callbacks_answered(query):
    return Ticket.objects.filter(pk__in=answered_callbacks(query).values("ticket_id"))


def not_satisfied(query):
    return Ticket.objects.filter(pk__in=answered_callbacks(query).exclude(SATISFIED).values("ticket_id"))


def complaint_tickets(query):
    """The tickets the period's complaints are about (complaints without a ticket have none)."""
    return Ticket.objects.filter(pk__in=complaints(query).filter(ticket__isnull=False).values("ticket_id"))


FIGURES = {
    "parts_used": parts_used, "at_vendor": at_vendor, "rma_returned": rma_returned, "rma_overdue": rma_overdue,
    "callbacks_answered": callbacks_answered, "not_satisfied": not_satisfied, "complaints": complaint_tickets,
    "received": received, "completed": completed, "succeeded": succeeded, "not_succeeded": not_succeeded,
    "first_time_fixed": first_time_fixed, "doa": doa_received, "repeats": repeats, "failed": failed,
    "sla_breached": sla_breached,
}


def figure_tickets(name, query, **extra):
    """The tickets behind one figure (the drill-down); KeyError for an unknown name."""
    return FIGURES[name](query, **extra)


# --- sections -----------------------------------------------------------------------------

def volume(query):
    received_by_type = dict(received(query).values_list("service_type").annotate(n=Count("pk")).order_by())
    completed_by_type = dict(completions(query).values_list("d_service_type").annotate(n=Count("pk"))
                             .order_by())
    by_type = [
        {"service_type": value, "label": str(label), "received": received_by_type.get(value, 0),
         "completed": completed_by_type.get(value, 0)}
        for value, label in choices.ServiceType.choices
    ]
    received_by_model = _count_by_model(received(query))
    completed_by_model = _count_by_model(completions(query), model="d_model")
    by_model = [
        {**info, "received": received_by_model.get(pk, (None, 0))[1],
         "completed": completed_by_model.get(pk, (None, 0))[1]}
        for pk, info in _models_of(received_by_model, completed_by_model)
    ]
    return {
        "received": sum(received_by_type.values()), "completed": sum(completed_by_type.values()),
        "by_service_type": by_type, "by_model": by_model,
    }


def _count_by_model(rows, prefix="", model=None):
    if model is None and not prefix:
        return _tickets_by_model(rows)
    model = model or f"{prefix}unit__model"
    rows = rows.values(f"{model}_id", f"{model}__code", f"{model}__name").annotate(n=Count("pk")).order_by()
    return {r[f"{model}_id"]: ({"code": r[f"{model}__code"] or "", "name": r[f"{model}__name"] or ""}, r["n"])
            for r in rows}


def _tickets_by_model(tickets):
    """Tickets counted per model (the unit's model copied onto the ticket: no join to the
    units table), named from the small models table."""
    counts = dict(tickets.values_list("d_model_id").annotate(n=Count("pk")).order_by())
    names = {m["pk"]: {"code": m["code"], "name": m["name"]}
             for m in ProductModel.objects.filter(pk__in=[pk for pk in counts if pk]).values("pk", "code", "name")}
    return {pk: (names.get(pk, {"code": "", "name": ""}), n) for pk, n in counts.items()}


def _models_of(*counts):
    models = {}
    for count in counts:
        for pk, (info, _n) in count.items():
            models.setdefault(pk, {"model_id": pk, **info})
    return sorted(models.items(), key=lambda item: item[1]["code"])


def success(query):
    counts = completions(query).aggregate(
        completed=Count("pk"), succeeded=Count("pk", filter=SUCCEEDED),
        first_time_fixed=Count("pk", filter=FIRST_TIME_FIXED),
        repeats=Count("pk", filter=Q(is_repeat=True)), failed=Count("pk", filter=Q(failed=True)),
    )
    return {
        **counts, "not_succeeded": counts["completed"] - counts["succeeded"],
        "success_rate": rate(counts["succeeded"], counts["completed"]),
        "first_time_fix_rate": rate(counts["first_time_fixed"], counts["completed"]),
    }


def doa(query):
    doa_by_model = _count_by_model(doa_received(query))
    shipments = Shipment.objects.filter(month__gte=query.first_month, month__lte=query.end)
    if query.model:
        shipments = shipments.filter(model_id=query.model)
    if query.product_line:
        shipments = shipments.filter(model__product_line_id=query.product_line)
    shipped = {r["model_id"]: ({"code": r["model__code"], "name": r["model__name"]}, r["units"])
               for r in shipments.values("model_id", "model__code", "model__name")
               .annotate(units=Sum("units")).order_by()}
    rows = []
    for pk, info in _models_of(doa_by_model, shipped):
        doa_count = doa_by_model.get(pk, (None, 0))[1]
        units = shipped.get(pk, (None, None))[1]
        rows.append({**info, "doa": doa_count, "shipped": units, "rate": rate(doa_count, units)})
    total_doa = sum(n for _i, n in doa_by_model.values())
    return {"doa": total_doa, "by_model": rows,
            "shipments_filtered_by_service_type_or_engineer": bool(query.service_type or query.engineer)}


def clocks_stopped(query):
    # kind IN (all kinds) lets the (kind, stopped_at) index serve the period
    return SlaClock.objects.filter(
        _copied_dims(query, "d_engineer_id"), kind__in=ClockKind.values,
        stopped_at__gte=query.since, stopped_at__lt=query.until,
        outcome__in=(ClockOutcome.MET, ClockOutcome.BREACHED))


_MEMO = contextvars.ContextVar("report_memo", default=None)


def _memoized(name, query, compute):
    """Inside `monthly_report`, a result two sections share is computed once."""
    memo = _MEMO.get()
    if memo is None:
        return compute(query)
    if (name, query) not in memo:
        memo[(name, query)] = compute(query)
    return memo[(name, query)]


def _clock_counts(query):
    """Clocks met and breached per (clock, engineer when it stopped): the SLA section sums
    them per clock, the engineers table per engineer (one index-only scan for both)."""
    return list(clocks_stopped(query).values(
        "kind", "d_engineer_id", "d_engineer__username", "d_engineer__first_name", "d_engineer__last_name").annotate(
        met=Count("pk", filter=Q(outcome=ClockOutcome.MET)),
        breached=Count("pk", filter=Q(outcome=ClockOutcome.BREACHED))).order_by())


def _summed(rows, key):
    sums = {}
    for row in rows:
        if row[key] is None:
            continue
        total = sums.setdefault(row[key], {**row, "met": 0, "breached": 0})
        total["met"] += row["met"]
        total["breached"] += row["breached"]
    return sums


def sla(query):
    clocks = clocks_stopped(query)
    counts = _summed(_memoized("clock_counts", query, _clock_counts), "kind")
    times = median_p90_minutes(clocks, "kind", "elapsed")
    levels = {(r["clock__kind"], r["level"]): r["n"] for r in Escalation.objects.filter(
        _dims(query, "ticket__"), raised_at__gte=query.since, raised_at__lt=query.until,
        level__in=(EscalationLevel.LEVEL_1, EscalationLevel.LEVEL_2),
    ).values("clock__kind", "level").annotate(n=Count("pk")).order_by()}
    rows = []
    for kind, label in ClockKind.choices:
        met, breached = counts.get(kind, {}).get("met", 0), counts.get(kind, {}).get("breached", 0)
        median, p90 = times.get(kind, (None, None))
        rows.append({
            "clock": kind, "label": str(label), "met": met, "breached": breached, "met_rate": rate(met, met + breached),
            "level_1": levels.get((kind, EscalationLevel.LEVEL_1), 0),
            "level_2": levels.get((kind, EscalationLevel.LEVEL_2), 0),
            "median_minutes": median, "p90_minutes": p90,
        })
    met = sum(r["met"] for r in rows)
    breached = sum(r["breached"] for r in rows)
    return {"met": met, "breached": breached, "met_rate": rate(met, met + breached), "by_clock": rows}


def engineers(query):
    """Per engineer: completions they did, the clocks stopped on their tickets (the
    engineer when the clock stopped), and the satisfaction callbacks on their tickets."""
    jobs = {r["engineer_id"]: r for r in completions(query).filter(engineer__isnull=False).values(
        "engineer_id", "engineer__username", "engineer__first_name", "engineer__last_name").annotate(
        completed=Count("pk"), succeeded=Count("pk", filter=SUCCEEDED),
        first_time_fixed=Count("pk", filter=FIRST_TIME_FIXED),
    ).order_by()}
    clocks = clocks_stopped(query).filter(d_engineer__isnull=False)
    sla_counts = _summed(_memoized("clock_counts", query, _clock_counts), "d_engineer_id")
    completion_times = median_p90_minutes(clocks.filter(kind=ClockKind.COMPLETION), "d_engineer_id", "elapsed")
    scores = {r["ticket__assignee_id"]: r for r in answered_callbacks(query).filter(ticket__assignee__isnull=False)
              .values("ticket__assignee_id", "ticket__assignee__username", "ticket__assignee__first_name",
                      "ticket__assignee__last_name").annotate(**_SCORE_AGGREGATES).order_by()}
    rows = []
    for pk in set(jobs) | set(sla_counts) | set(scores):
        job, sla_row, score = jobs.get(pk, {}), sla_counts.get(pk, {}), scores.get(pk, {})
        name = (_name(job, "engineer__") if job else _name(sla_row, "d_engineer__") if sla_row
                else _name(score, "ticket__assignee__"))
        met, breached = sla_row.get("met", 0), sla_row.get("breached", 0)
        done = job.get("completed", 0)
        rows.append({
            "engineer_id": pk, "engineer": name, "completed": done, "succeeded": job.get("succeeded", 0),
            "first_time_fixed": job.get("first_time_fixed", 0),
            "first_time_fix_rate": rate(job.get("first_time_fixed", 0), done),
            "median_completion_minutes": completion_times.get(pk, (None, None))[0],
            "sla_met": met, "sla_breached": breached, "sla_met_rate": rate(met, met + breached),
            "callbacks_answered": score.get("answered", 0), "average_score": _round(score.get("average")),
            "satisfied": score.get("satisfied", 0), "satisfied_rate": rate(score.get("satisfied", 0),
                                                                             score.get("answered", 0)),
        })
    return sorted(rows, key=lambda r: (-r["sla_breached"], r["engineer"]))


def _name(row, prefix):
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return full or row[prefix + "username"]


def _round(value, places=2):
    return None if value is None else round(float(value), places)


# --- spare parts ------------------------------------------------------------------------

_MONEY = DecimalField(max_digits=14, decimal_places=2)
_VALUE = ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=_MONEY)
PART_MOVES = (MoveKind.ISSUE, MoveKind.RETURN)


def part_moves(query):
    """Parts issued to tickets in the period and unused parts returned from them (the
    ledger's `issue` and `return` moves), with the report filters on the ticket."""
    return StockMove.objects.filter(_dims(query, "ticket__"), kind__in=PART_MOVES, ticket__isnull=False,
                                    at__gte=query.since, at__lt=query.until)


_PART_AGGREGATES = {
    "issued": Coalesce(Sum("quantity", filter=Q(kind=MoveKind.ISSUE)), 0),
    "returned": Coalesce(Sum("quantity", filter=Q(kind=MoveKind.RETURN)), 0),
    "issued_cost": Coalesce(Sum(_VALUE, filter=Q(kind=MoveKind.ISSUE)), Decimal(0), output_field=_MONEY),
    "returned_cost": Coalesce(Sum(_VALUE, filter=Q(kind=MoveKind.RETURN)), Decimal(0), output_field=_MONEY),
}


def _used(row):
    """Consumption = issued less returned unused; cost at each move's own unit cost."""
    return {"issued": row["issued"], "returned": row["returned"], "used": row["issued"] - row["returned"],
            "cost": row["issued_cost"] - row["returned_cost"]}


def _parts_by(moves, key, names):
    rows = moves.values(key, *names.values()).annotate(**_PART_AGGREGATES).order_by()
    return [{"id": r[key], **{label: r[name] or "" for label, name in names.items()}, **_used(r)} for r in rows]


def parts(query):
    moves = part_moves(query)
    by_part = _parts_by(moves, "part_id", {"part_number": "part__part_number", "name": "part__name"})
    # one scan of the period's moves (with the ticket's model and engineer) serves the totals,
    # the per-model and the per-engineer tables; names come from the small tables after
    groups = list(moves.values("ticket__d_model_id", "ticket__assignee_id").annotate(**_PART_AGGREGATES).order_by())
    total = _part_sums(groups, lambda r: 0).get(0) or _used({k: 0 for k in _PART_AGGREGATES})
    models = {m["pk"]: m for m in ProductModel.objects.filter(
        pk__in={r["ticket__d_model_id"] for r in groups}).values("pk", "code", "name")}
    users = {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(
        pk__in={r["ticket__assignee_id"] for r in groups if r["ticket__assignee_id"]})}
    by_model = [{"id": pk, "code": models.get(pk, {}).get("code", ""), "name": models.get(pk, {}).get("name", ""),
                 **used} for pk, used in _part_sums(groups, lambda r: r["ticket__d_model_id"]).items()]
    by_engineer = [{"id": pk, "engineer": users.get(pk, ""), **used}
                   for pk, used in _part_sums(groups, lambda r: r["ticket__assignee_id"]).items() if pk]
    order = lambda r: (-r["cost"], -r["used"])  # noqa: E731
    return {**total, "by_part": sorted(by_part, key=lambda r: (*order(r), r["part_number"])),
            "by_model": sorted(by_model, key=lambda r: (*order(r), r["code"])),
            "by_engineer": sorted(by_engineer, key=lambda r: (*order(r), r["engineer"]))}


def _part_sums(groups, key):
    """Add up the grouped rows per `key` (a handful of rows: models × engineers)."""
    sums = {}
    for row in groups:
        total = sums.setdefault(key(row), dict.fromkeys(_PART_AGGREGATES, 0))
        for name in _PART_AGGREGATES:
            total[name] += row[name]
    return {k: _used(v) for k, v in sums.items()}


# --- vendor repair (RMA) ----------------------------------------------------------------------

_TURNAROUND = ExpressionWrapper(F("returned_at") - F("shipped_at"), output_field=DurationField())


def rmas(query):
    return Rma.objects.filter(_dims(query, "ticket__"))


def at_vendor_rmas(query):
    """Units at a vendor at the end of the period: shipped before it ended, not back
    (nor written off) by then."""
    until = query.until
    return rmas(query).filter(Q(shipped_at__lt=until), Q(returned_at__isnull=True) | Q(returned_at__gte=until),
                              Q(written_off_at__isnull=True) | Q(written_off_at__gte=until))


def returned_rmas(query):
    """Units back from the vendor in the period (turnaround = shipped → returned)."""
    return rmas(query).filter(returned_at__gte=query.since, returned_at__lt=query.until, shipped_at__isnull=False)


def overdue_milestones(query, *, now=None):
    """RMA milestones that fell due in the period (and before now) and were not done by
    their due time: done late, or still open. Cancelled ones are left out."""
    now = now or timezone.now()
    return RmaMilestone.objects.filter(
        _dims(query, "rma__ticket__"), cancelled=False, due_at__gte=query.since, due_at__lt=min(query.until, now),
    ).filter(Q(completed_at__isnull=True) | Q(completed_at__gt=F("due_at")))


def vendors(query):
    at_vendor = dict(at_vendor_rmas(query).values_list("vendor_id").annotate(n=Count("pk")).order_by())
    returned = returned_rmas(query).annotate(turnaround=_TURNAROUND)
    returned_counts = dict(returned.values_list("vendor_id").annotate(n=Count("pk")).order_by())
    times = median_p90_minutes(returned, "vendor_id", "turnaround")
    overdue = overdue_milestones(query)
    overdue_by_vendor = dict(overdue.values_list("rma__vendor_id").annotate(n=Count("pk")).order_by())
    ids = set(at_vendor) | set(returned_counts) | set(overdue_by_vendor)
    names = {v.pk: v for v in Vendor.objects.filter(pk__in=ids)}
    rows = []
    for pk in ids:
        median, p90 = times.get(pk, (None, None))
        rows.append({"vendor_id": pk, "code": names[pk].code, "name": names[pk].name,
                     "at_vendor": at_vendor.get(pk, 0), "returned": returned_counts.get(pk, 0),
                     "median_days": _days(median), "p90_days": _days(p90),
                     "overdue": overdue_by_vendor.get(pk, 0)})
    by_kind = {r["kind"]: r for r in overdue.values("kind").annotate(
        overdue=Count("pk"), still_open=Count("pk", filter=Q(completed_at__isnull=True))).order_by()}
    milestones = [{"milestone": kind, "label": str(label), "overdue": by_kind.get(kind, {}).get("overdue", 0),
                   "still_open": by_kind.get(kind, {}).get("still_open", 0)} for kind, label in MilestoneKind.choices]
    overall = median_p90_minutes_overall(returned, "turnaround")
    return {"at_vendor": sum(at_vendor.values()), "returned": sum(returned_counts.values()),
            "median_days": _days(overall[0]), "p90_days": _days(overall[1]),
            "overdue": sum(r["overdue"] for r in milestones),
            "by_vendor": sorted(rows, key=lambda r: (-r["overdue"], -r["at_vendor"], r["code"])),
            "by_milestone": milestones}


def _days(minutes):
    return None if minutes is None else round(minutes / 1440, 1)


# --- satisfaction and complaints ------------------------------------------------------------

SATISFIED = Q(attitude__gte=4, speed__gte=4, repair_quality__gte=4)
_AVERAGE = ExpressionWrapper((F("attitude") + F("speed") + F("repair_quality")) / 3.0, output_field=FloatField())
_SCORE_AGGREGATES = {"answered": Count("pk"), "average": Avg(_AVERAGE), "satisfied": Count("pk", filter=SATISFIED)}


def callbacks(query):
    """Satisfaction callback attempts made in the period (on tickets matching the filters)."""
    return Callback.objects.filter(_dims(query, "ticket__"), attempted_at__gte=query.since,
                                   attempted_at__lt=query.until)


def answered_callbacks(query):
    return callbacks(query).filter(result=CallbackResult.ANSWERED)


def complaints(query):
    """Complaints logged in the period; with a filter, only those about a matching ticket."""
    rows = Complaint.objects.filter(created_at__gte=query.since, created_at__lt=query.until)
    return rows.filter(_dims(query, "ticket__")) if query.filter_params() else rows


def closed_complaints(query):
    rows = Complaint.objects.filter(closed_at__gte=query.since, closed_at__lt=query.until)
    return rows.filter(_dims(query, "ticket__")) if query.filter_params() else rows


def satisfaction(query):
    attempts = callbacks(query).aggregate(attempts=Count("pk"), low=Count("pk", filter=Q(is_low_score=True)))
    scores = answered_callbacks(query).aggregate(
        **_SCORE_AGGREGATES, attitude=Avg("attitude"), speed=Avg("speed"), repair_quality=Avg("repair_quality"))
    logged = complaints(query)
    by_category = {r["category"]: r for r in logged.values("category").annotate(
        general=Count("pk", filter=Q(severity=Severity.GENERAL)),
        major=Count("pk", filter=Q(severity=Severity.MAJOR))).order_by()}
    by_status = dict(logged.values_list("status").annotate(n=Count("pk")).order_by())
    closed = closed_complaints(query).annotate(
        to_close=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()))
    close_times = median_p90_minutes_overall(closed, "to_close")
    return {
        "callbacks": attempts["attempts"], "answered": scores["answered"],
        "average_score": _round(scores["average"]), "attitude": _round(scores["attitude"]),
        "speed": _round(scores["speed"]), "repair_quality": _round(scores["repair_quality"]),
        "satisfied": scores["satisfied"], "satisfied_rate": rate(scores["satisfied"], scores["answered"]),
        "not_satisfied": scores["answered"] - scores["satisfied"], "low_scores": attempts["low"],
        "complaints": logged.count(), "complaints_major": sum(r["major"] for r in by_category.values()),
        "complaints_replied_late": logged.filter(reply_breached=True).count(),
        "complaints_closed": closed.count(),
        "close_median_days": _days(close_times[0]), "close_p90_days": _days(close_times[1]),
        "complaints_by_category": [
            {"category": value, "label": str(label), "general": by_category.get(value, {}).get("general", 0),
             "major": by_category.get(value, {}).get("major", 0)} for value, label in ComplaintCategory.choices],
        "complaints_by_status": [{"status": value, "label": str(label), "count": by_status.get(value, 0)}
                                 for value, label in ComplaintStatus.choices],
    }



SECTIONS = {"volume": volume, "success": success, "doa": doa, "sla": sla, "engineers": engineers,
            "parts": parts, "vendors": vendors, "satisfaction": satisfaction}


def monthly_report(query):
    """Every section for one period: what the page shows and the exports and API return.
    One read-only transaction without PostgreSQL's JIT: each query reads a month of rows
    through an index, and compiling it costs more (~60 ms a query at 1M tickets) than it saves."""
    token = _MEMO.set({})
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            return {"period": {"start": query.start, "end": query.end},
                    **{name: f(query) for name, f in SECTIONS.items()}}
    finally:
        _MEMO.reset(token)
