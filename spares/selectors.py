"""Reads of the spare-parts department: balances, moves, RMA list, the lists of SPEC §7
(below reorder point, slow-moving, abnormal usage) and the budget forecast, in SQL."""
from datetime import timedelta
from decimal import Decimal

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import (
    DefectiveReturn, MoveKind, Part, Quote, QuoteStatus, Reservation, ReservationStatus, Rma, RmaMilestone,
    RmaStatus, StockBalance, StockMove,
)
from .models.rma import OPEN_RMA


# --- tickets' rules -----------------------------------------------------------------

def has_accepted_quote(ticket):
    return Quote.objects.filter(ticket=ticket, status__in=(QuoteStatus.ACCEPTED, QuoteStatus.WAIVED)).exists()


def shipped_rma(ticket):
    return Rma.objects.filter(ticket=ticket, status=RmaStatus.SHIPPED).exists()


def open_doa_rma(ticket):
    return Rma.objects.filter(ticket=ticket, is_doa=True, status__in=OPEN_RMA).exists()


def with_panel_flags(tickets):
    """Tickets annotated with which parts of the ticket page's spares panel have rows
    (`spares_has_moves`, …: one indexed EXISTS each, inside the ticket's own query), so that
    the panel reads only those (most tickets have none: no query at all)."""
    ticket = OuterRef("pk")
    return tickets.annotate(
        spares_has_moves=Exists(StockMove.objects.filter(ticket=ticket)),
        spares_has_owed=Exists(DefectiveReturn.objects.filter(ticket=ticket, received_at__isnull=True)),
        spares_has_reservations=Exists(Reservation.objects.filter(ticket=ticket, status=ReservationStatus.ACTIVE)),
        spares_has_rmas=Exists(Rma.objects.filter(ticket=ticket)),
        spares_has_quotes=Exists(Quote.objects.filter(ticket=ticket)),
    )


# --- stock ----------------------------------------------------------------------------

def balance_from_ledger(part, warehouse, condition):
    """The balance recomputed from the moves (what the stored balance must equal)."""
    moves = StockMove.objects.filter(part=part, condition=condition)
    into = moves.filter(to_warehouse=warehouse).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]
    out = moves.filter(from_warehouse=warehouse).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]
    return into - out


def balances():
    return StockBalance.objects.select_related("part", "warehouse").filter(Q(quantity__gt=0) | Q(reserved__gt=0))


def moves():
    return StockMove.objects.select_related("part", "from_warehouse", "to_warehouse", "ticket", "by")


def ticket_parts(ticket):
    """Parts issued to the ticket with their cost (ticket page)."""
    return (StockMove.objects.filter(ticket=ticket).select_related("part", "from_warehouse", "to_warehouse")
            .order_by("at", "id"))


_MONEY = DecimalField(max_digits=14, decimal_places=2)


def parts_with_stock():
    on_hand = StockBalance.objects.filter(part=OuterRef("pk"), condition="good").values("part").annotate(
        n=Sum("quantity")).values("n")
    return Part.objects.filter(is_active=True).annotate(on_hand=Coalesce(Subquery(on_hand), 0))


def below_reorder_point():
    return parts_with_stock().filter(on_hand__lt=F("reorder_point")).order_by("part_number")


def slow_moving(*, now, days=90):
    """Parts in stock with no issue in `days` days (呆滞), with the value held."""
    since = now - timedelta(days=days)
    recent_issue = StockMove.objects.filter(part=OuterRef("pk"), kind=MoveKind.ISSUE, at__gte=since)
    last_issue = StockMove.objects.filter(part=OuterRef("pk"), kind=MoveKind.ISSUE).order_by("-at").values("at")[:1]
    return (parts_with_stock().filter(on_hand__gt=0).exclude(Exists(recent_issue))
            .annotate(last_issue=Subquery(last_issue),
                      value=ExpressionWrapper(F("on_hand") * F("unit_cost"), output_field=_MONEY))
            .order_by("-value", "part_number"))


def abnormal_usage(*, now, by="engineer", factor=3, min_quantity=3):
    """Who (an engineer, or a product model) used a part this month far above their
    usual rate: this month's issues ≥ `factor` × their monthly average of the previous
    six months (and at least `min_quantity`)."""
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    history_start = month_start - timedelta(days=182)
    key = "ticket__assignee" if by == "engineer" else "ticket__unit__model"
    names = (f"{key}__last_name", f"{key}__first_name") if by == "engineer" else (f"{key}__name",)
    rows = (StockMove.objects.filter(kind=MoveKind.ISSUE, at__gte=history_start, at__lt=now)
            .values("part", "part__part_number", "part__name", key, *names)
            .annotate(this_month=Coalesce(Sum("quantity", filter=Q(at__gte=month_start)), 0),
                      before=Coalesce(Sum("quantity", filter=Q(at__lt=month_start)), 0))
            .filter(this_month__gte=min_quantity))
    result = []
    for row in rows:
        usual = Decimal(row["before"]) / 6
        if row["this_month"] >= factor * max(usual, Decimal("0.5")):
            row["usual"] = usual.quantize(Decimal("0.1"))
            row["who"] = row[key]
            row["who_name"] = " ".join(str(row[n]) for n in names if row[n])
            result.append(row)
    return sorted(result, key=lambda r: -r["this_month"])


def budget_forecast(*, now):
    """Next year's budget per part: the last 12 months' consumption (issues less unused
    returns) × the current unit cost."""
    since = now - timedelta(days=365)
    used = Coalesce(Sum("moves__quantity", filter=Q(moves__kind=MoveKind.ISSUE, moves__at__gte=since)), 0)
    returned = Coalesce(Sum("moves__quantity", filter=Q(moves__kind=MoveKind.RETURN, moves__at__gte=since)), 0)
    return (Part.objects.annotate(consumed=ExpressionWrapper(used - returned, output_field=IntegerField()))
            .filter(consumed__gt=0)
            .annotate(budget=ExpressionWrapper(F("consumed") * F("unit_cost"), output_field=_MONEY))
            .order_by("-budget", "part_number"))


# --- RMA ------------------------------------------------------------------------------

def rma_list(*, open_only=True):
    """Top priority first, then by the next open milestone; overdue ones come first
    naturally because their due time is earliest."""
    next_due = RmaMilestone.objects.filter(rma=OuterRef("pk"), completed_at__isnull=True, cancelled=False) \
        .order_by("due_at").values("due_at")[:1]
    next_kind = RmaMilestone.objects.filter(rma=OuterRef("pk"), completed_at__isnull=True, cancelled=False) \
        .order_by("due_at").values("kind")[:1]
    rows = Rma.objects.select_related("ticket", "vendor").annotate(
        next_due_at=Subquery(next_due), next_milestone=Subquery(next_kind))
    if open_only:
        rows = rows.filter(status__in=OPEN_RMA)
    return rows.order_by(F("top_priority").desc(), F("next_due_at").asc(nulls_last=True), "id")


def vendor_summary(vendor):
    """Open RMAs and the average turnaround (shipped → returned) of a vendor."""
    returned = Rma.objects.filter(vendor=vendor, status=RmaStatus.RETURNED, shipped_at__isnull=False)
    durations = [r.returned_at - r.shipped_at for r in returned.only("returned_at", "shipped_at")]
    average = sum(durations, timedelta(0)) / len(durations) if durations else None
    return {"open": rma_list().filter(vendor=vendor), "returned_count": len(durations), "average_turnaround": average}

