"""Pages of the spare-parts desk: stock, moves, receipt/transfer/stocktake, RMAs and
vendors, the lists of SPEC §7 and the budget forecast (CSV). Thin: forms validate,
services write, selectors read; refusals come back as messages or form errors."""
import csv
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.exceptions import DomainError
from tickets.exceptions import PermissionDenied as DomainPermissionDenied
from tickets.models import Ticket
from tickets.views.common import add_errors, keyset_page, parse_id, permission_page

from . import forms as f
from . import selectors, services
from .filtersets import StockMoveFilterSet
from .models import MilestoneKind, Quote, Rma, Vendor, Warehouse


class _Refused:
    """What _attempt returns when the service refused (falsy)."""

    def __bool__(self):
        return False


REFUSED = _Refused()


def _attempt(request, form, run):
    """Run a service; a refusal becomes a form error (or a page message). Returns the
    service's result, or REFUSED."""
    try:
        return run() or True
    except DomainPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        if form is not None:
            add_errors(form, error)
        else:
            messages.error(request, str(error))
    return REFUSED


@permission_page("spares.view_stockbalance")
def stock(request):
    """Balances by warehouse (choose one) or by part across warehouses."""
    warehouse = Warehouse.objects.filter(pk=parse_id(request.GET.get("warehouse"))).first()
    rows = selectors.balances().order_by("warehouse__code", "part__part_number", "condition")
    if warehouse:
        rows = rows.filter(warehouse=warehouse)
    by_part = (selectors.balances().filter(condition="good").values("part__part_number", "part__name", "part__pk")
               .annotate(on_hand=Sum("quantity"), reserved=Sum("reserved")).order_by("part__part_number"))
    return render(request, "spares/stock.html", {
        "rows": rows[:500], "by_part": by_part[:500], "warehouses": Warehouse.objects.order_by("code"),
        "warehouse": warehouse})


@permission_page("spares.view_stockmove")
def move_list(request):
    filterset = StockMoveFilterSet(request.GET, queryset=selectors.moves())
    form = f.MoveFilterForm(request.GET or None)
    rows, older = keyset_page(filterset.qs if filterset.is_valid() else selectors.moves().none(),
                              parse_id(request.GET.get("before")))
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "spares/moves.html", {"rows": rows, "older": older, "form": form,
                                                  "query": query.urlencode(), "errors": filterset.errors})


_MOVE_FORMS = {
    "receipt": (f.ReceiptForm, lambda d, **kw: services.receive_stock(
        part=d["part"], warehouse=d["warehouse"], quantity=d["quantity"], note=d["note"], **kw)),
    "transfer": (f.TransferForm, lambda d, **kw: services.transfer_stock(
        part=d["part"], from_warehouse=d["from_warehouse"], to_warehouse=d["warehouse"], quantity=d["quantity"],
        condition=d["condition"], note=d["note"], **kw)),
    "stocktake": (f.StocktakeForm, lambda d, **kw: services.stocktake(
        part=d["part"], warehouse=d["warehouse"], counted=d["counted"], condition=d["condition"], note=d["note"],
        **kw)),
}


@permission_page("spares.add_stockmove")
def move_form(request, kind):
    if kind not in _MOVE_FORMS:
        raise PermissionDenied
    form_class, run = _MOVE_FORMS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(request, form, lambda: run(form.cleaned_data, by=request.user, now=timezone.now())):
            messages.success(request, _("Booked."))
            return redirect("spares:moves")
    status = 400 if request.method == "POST" else 200
    title = {"receipt": _("Receipt"), "transfer": _("Transfer"), "stocktake": _("Stocktake")}[kind]
    return render(request, "spares/move_form.html", {"form": form, "kind": kind, "title": title}, status=status)


def _rma_rows():
    rows = list(selectors.rma_list()[:300])
    for row in rows:
        row.next_label = MilestoneKind(row.next_milestone).label if row.next_milestone else ""
    return rows


@permission_page("spares.view_rma")
def rma_list(request):
    return render(request, "spares/rma_list.html", {"rows": _rma_rows(), "now": timezone.now(),
                                                    "form": f.RmaCreateForm()})


@permission_page("spares.manage_rma")
@require_POST
def rma_create(request):
    form = f.RmaCreateForm(request.POST)
    if form.is_valid():
        ticket = Ticket.objects.filter(number=form.cleaned_data["ticket"].strip()).first()
        if ticket is None:
            form.add_error("ticket", _("No such ticket."))
        else:
            rma = _attempt(request, form, lambda: services.create_rma(
                ticket, vendor=form.cleaned_data["vendor"], reason=form.cleaned_data["reason"], by=request.user,
                now=timezone.now()))
            if rma:
                messages.success(request, _("%(rma)s opened.") % {"rma": rma.number})
                return redirect(rma)
    return render(request, "spares/rma_list.html", {"rows": _rma_rows(), "now": timezone.now(), "form": form},
                  status=400)


def _rma_context(rma, **forms):
    return {"rma": rma, "now": timezone.now(), "milestones": list(rma.milestones.all()),
            "moves": rma.stock_moves.select_related("part"), "ship_form": forms.get("ship") or f.ShipForm(),
            "milestone_form": f.MilestoneForm(), "note_form": f.NoteForm(), "refusal_form": f.RequiredNoteForm(),
            "write_off_form": f.ReasonForm(), "open_kinds": (MilestoneKind.RECEIPT, MilestoneKind.DAY_7,
                                                            MilestoneKind.DAY_15)}


@permission_page("spares.view_rma")
def rma_detail(request, pk):
    rma = get_object_or_404(Rma.objects.select_related("ticket__customer", "ticket__unit__model", "vendor"), pk=pk)
    return render(request, "spares/rma_detail.html", _rma_context(rma))


_RMA_ACTIONS = {
    "ship": (f.ShipForm, "spares.manage_rma", lambda r, d, **kw: services.ship_rma(
        r, carrier=d["carrier"], tracking_number=d["tracking_number"], expected_back=d.get("expected_back"),
        cost=d.get("cost"), **kw)),
    "milestone": (f.MilestoneForm, "spares.manage_rma", lambda r, d, **kw: services.complete_milestone(
        r, d["kind"], note=d["note"], **kw)),
    "return": (f.NoteForm, "spares.manage_rma", lambda r, d, **kw: services.record_rma_return(
        r, note=d["note"], **kw)),
    "refusal": (f.RequiredNoteForm, "spares.manage_rma", lambda r, d, **kw: services.record_vendor_refusal(
        r, note=d["note"], **kw)),
    "write-off": (f.ReasonForm, "spares.write_off_rma", lambda r, d, **kw: services.write_off_rma(
        r, reason=d["reason"], **kw)),
}


@permission_page("spares.view_rma")
@require_POST
def rma_action(request, pk, action):
    if action not in _RMA_ACTIONS:
        raise PermissionDenied
    form_class, perm, run = _RMA_ACTIONS[action]
    if not request.user.has_perm(perm):
        raise PermissionDenied
    rma = get_object_or_404(Rma, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(rma)
    if _attempt(request, None, lambda: run(rma, form.cleaned_data, by=request.user, now=timezone.now())):
        messages.success(request, _("Recorded."))
    return redirect(rma)


@permission_page("spares.view_vendor")
def vendor_detail(request, pk):
    vendor = get_object_or_404(Vendor, pk=pk)
    return render(request, "spares/vendor_detail.html", {"vendor": vendor, "now": timezone.now(),
                                                         **selectors.vendor_summary(vendor)})


@permission_page("spares.view_part")
def part_lists(request):
    now = timezone.now()
    return render(request, "spares/lists.html", {
        "below": selectors.below_reorder_point()[:200], "slow": selectors.slow_moving(now=now)[:200],
        "abnormal_engineers": selectors.abnormal_usage(now=now, by="engineer")[:100],
        "abnormal_models": selectors.abnormal_usage(now=now, by="model")[:100], "now": now})


@permission_page("spares.view_part")
def forecast(request):
    rows = selectors.budget_forecast(now=timezone.now())
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="parts-budget-forecast.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Part number"), _("Name"), _("Consumed (12 months)"), _("Unit cost"), _("Budget")])
        for row in rows:
            writer.writerow([row.part_number, row.name, row.consumed, row.unit_cost, f"{Decimal(row.budget):.2f}"])
        return response
    total = sum((row.budget for row in rows), 0)
    return render(request, "spares/forecast.html", {"rows": rows, "total": total})


# --- quotes (from the ticket page) ---------------------------------------------------

@permission_page("spares.view_quote")
def ticket_quotes(request, number):
    ticket = get_object_or_404(Ticket, number=number)
    quote_form = f.QuoteForm(request.POST or None) if request.method == "POST" else f.QuoteForm()
    if request.method == "POST":
        if not request.user.has_perm("spares.add_quote"):
            raise PermissionDenied
        if quote_form.is_valid() and _attempt(request, quote_form, lambda: services.create_quote(
                ticket, lines=quote_form.lines(), by=request.user, now=timezone.now())):
            messages.success(request, _("Quote created."))
            return redirect("spares:ticket_quotes", number=number)
    quotes = ticket.quotes.prefetch_related("lines").select_related("decided_by")
    return render(request, "spares/quotes.html", {
        "ticket": ticket, "quotes": quotes, "quote_form": quote_form, "accept_form": f.AcceptQuoteForm(),
        "decline_form": f.NoteForm(), "waive_form": f.ReasonForm()}, status=400 if request.method == "POST" else 200)


@permission_page("spares.record_quote_decision")
@require_POST
def quote_decision(request, pk, decision):
    quote = get_object_or_404(Quote.objects.select_related("ticket"), pk=pk)
    if decision == "accept":
        form = f.AcceptQuoteForm(request.POST)
        run = lambda d: services.accept_quote(quote, customer_name=d["customer_name"],  # noqa: E731
                                              typed_consent=d["typed_consent"], signature=d.get("signature"),
                                              by=request.user, now=timezone.now())
    else:
        form = f.NoteForm(request.POST)
        run = lambda d: services.decline_quote(quote, reason=d["note"], by=request.user, now=timezone.now())  # noqa
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    elif _attempt(request, None, lambda: run(form.cleaned_data)):
        messages.success(request, _("Recorded."))
    return redirect("spares:ticket_quotes", number=quote.ticket.number)


@permission_page("spares.waive_quote")
@require_POST
def quote_waiver(request, number):
    ticket = get_object_or_404(Ticket, number=number)
    form = f.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for starting without a quote."))
    elif _attempt(request, None, lambda: services.waive_quote(ticket, reason=form.cleaned_data["reason"],
                                                              by=request.user, now=timezone.now())):
        messages.success(request, _("Recorded."))
    return redirect("spares:ticket_quotes", number=number)


# Whoever may see a form with a part or place picker: engineers and those completing on
# their behalf (parts used), reservers, spares staff.
PICKER_PERMS = ("spares.view_part", "tickets.work_ticket", "tickets.record_on_behalf", "spares.add_reservation")


@login_required
def options(request, source):
    """The <option>s of a lazy part or place picker (tickets.widgets.LazySelect), loaded when its
    form is opened; one query, cached by the browser for a minute."""
    if source not in f.OPTION_SOURCES:
        raise Http404
    if not any(request.user.has_perm(perm) for perm in PICKER_PERMS):
        raise PermissionDenied
    response = render(request, "spares/partials/options.html", {"rows": f.OPTION_SOURCES[source]()})
    patch_cache_control(response, private=True, max_age=60)
    return response


@permission_page("spares.add_reservation")
@require_POST
def reserve(request, number):
    ticket = get_object_or_404(Ticket, number=number)
    form = f.ReserveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    elif _attempt(request, None, lambda: services.reserve_part(
            ticket, part=form.cleaned_data["part"], warehouse=form.cleaned_data["warehouse"],
            quantity=form.cleaned_data["quantity"], by=request.user, now=timezone.now())):
        messages.success(request, _("Reserved."))
    return redirect(ticket)


@permission_page("spares.add_stockmove")
@require_POST
def defective_received(request, number):
    ticket = get_object_or_404(Ticket, number=number)
    place = Warehouse.objects.filter(pk=parse_id(request.POST.get("warehouse"))).first()
    if place is None:
        messages.error(request, _("Choose the warehouse that received the part."))
    elif _attempt(request, None, lambda: services.receive_defective_parts(ticket, warehouse=place, by=request.user,
                                                                          now=timezone.now())):
        messages.success(request, _("Defective part received."))
    return redirect(ticket)
