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
from django.db.models import Count, Q, Sum

from tickets import choices
from tickets.choices import Category, Outcome
from tickets.models import ClockKind, ClockOutcome, Completion, Escalation, EscalationLevel, SlaClock, Ticket

from ..models.reports import Shipment
from .stats import median_p90_minutes, rate

FIXED = (Outcome.REPAIRED, Outcome.REPLACED)


def _dims(query, prefix="", engineer="assignee_id"):
    """The report filters as a Q on Ticket (or on a model reaching Ticket via `prefix`)."""
    conditions = {}
    if query.product_line:
        conditions[f"{prefix}unit__model__product_line_id"] = query.product_line
    if query.model:
        conditions[f"{prefix}unit__model_id"] = query.model
    if query.service_type:
        conditions[f"{prefix}service_type"] = query.service_type
    if query.engineer:
        conditions[engineer if engineer != "assignee_id" else f"{prefix}assignee_id"] = query.engineer
    return Q(**conditions)


def repairs(query):
    return Ticket.objects.filter(_dims(query), category=Category.REPAIR)


def received(query):
    return repairs(query).filter(created_at__gte=query.since, created_at__lt=query.until)


def completions(query):
    """Completions of repair tickets in the period; the engineer filter is who did the work."""
    return Completion.objects.filter(
        _dims(query, "ticket__", engineer="engineer_id"), ticket__category=Category.REPAIR,
        completed_at__gte=query.since, completed_at__lt=query.until)


SUCCEEDED = Q(outcome__in=FIXED, failed=False)
SECOND_VISIT = Q(ticket__sent_to_vendor_at__isnull=False) | ~Q(ticket__special_circumstance="")
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


FIGURES = {
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
    completed_by_type = dict(completions(query).values_list("ticket__service_type").annotate(n=Count("pk"))
                             .order_by())
    by_type = [
        {"service_type": value, "label": str(label), "received": received_by_type.get(value, 0),
         "completed": completed_by_type.get(value, 0)}
        for value, label in choices.ServiceType.choices
    ]
    received_by_model = _count_by_model(received(query))
    completed_by_model = _count_by_model(completions(query), "ticket__")
    by_model = [
        {**info, "received": received_by_model.get(pk, (None, 0))[1],
         "completed": completed_by_model.get(pk, (None, 0))[1]}
        for pk, info in _models_of(received_by_model, completed_by_model)
    ]
    return {
        "received": sum(received_by_type.values()), "completed": sum(completed_by_type.values()),
        "by_service_type": by_type, "by_model": by_model,
    }


def _count_by_model(rows, prefix=""):
    model = f"{prefix}unit__model"
    rows = rows.values(f"{model}_id", f"{model}__code", f"{model}__name").annotate(n=Count("pk")).order_by()
    return {r[f"{model}_id"]: ({"code": r[f"{model}__code"] or "", "name": r[f"{model}__name"] or ""}, r["n"])
            for r in rows}


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
        _dims(query, "ticket__"), kind__in=ClockKind.values, stopped_at__gte=query.since, stopped_at__lt=query.until,
        outcome__in=(ClockOutcome.MET, ClockOutcome.BREACHED))


def sla(query):
    clocks = clocks_stopped(query)
    counts = {r["kind"]: r for r in clocks.values("kind").annotate(
        met=Count("pk", filter=Q(outcome=ClockOutcome.MET)),
        breached=Count("pk", filter=Q(outcome=ClockOutcome.BREACHED))).order_by()}
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
    jobs = {r["engineer_id"]: r for r in completions(query).filter(engineer__isnull=False).values(
        "engineer_id", "engineer__username", "engineer__first_name", "engineer__last_name").annotate(
        completed=Count("pk"), succeeded=Count("pk", filter=SUCCEEDED),
        first_time_fixed=Count("pk", filter=FIRST_TIME_FIXED),
    ).order_by()}
    clocks = clocks_stopped(query).filter(ticket__assignee__isnull=False)
    sla_counts = {r["ticket__assignee_id"]: r for r in clocks.values(
        "ticket__assignee_id", "ticket__assignee__username", "ticket__assignee__first_name",
        "ticket__assignee__last_name").annotate(
        met=Count("pk", filter=Q(outcome=ClockOutcome.MET)),
        breached=Count("pk", filter=Q(outcome=ClockOutcome.BREACHED))).order_by()}
    completion_times = median_p90_minutes(clocks.filter(kind=ClockKind.COMPLETION), "ticket__assignee_id", "elapsed")
    rows = []
    for pk in set(jobs) | set(sla_counts):
        job, sla_row = jobs.get(pk, {}), sla_counts.get(pk, {})
        name = _name(job, "engineer__") if job else _name(sla_row, "ticket__assignee__")
        met, breached = sla_row.get("met", 0), sla_row.get("breached", 0)
        done = job.get("completed", 0)
        rows.append({
            "engineer_id": pk, "engineer": name, "completed": done, "succeeded": job.get("succeeded", 0),
            "first_time_fixed": job.get("first_time_fixed", 0),
            "first_time_fix_rate": rate(job.get("first_time_fixed", 0), done),
            "median_completion_minutes": completion_times.get(pk, (None, None))[0],
            "sla_met": met, "sla_breached": breached, "sla_met_rate": rate(met, met + breached),
        })
    return sorted(rows, key=lambda r: (-r["sla_breached"], r["engineer"]))


def _name(row, prefix):
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return full or row[prefix + "username"]


SECTIONS = {"volume": volume, "success": success, "doa": doa, "sla": sla, "engineers": engineers}


def monthly_report(query):
    """Every section for one period: what the page shows and the exports and API return."""
    return {"period": {"start": query.start, "end": query.end}, **{name: f(query) for name, f in SECTIONS.items()}}
