"""The reports pages: the report (period + filters, tables, charts, trend), the
drill-down to the tickets behind a figure, the exports, and the shipments upload."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _, pgettext

from tickets.exceptions import PermissionDenied as DomainPermissionDenied
from tickets.filtersets import TicketFilterSet
from tickets.imports import ImportFileError
from tickets.views.common import keyset_page, page_url, parse_id, permission_page

from ..models.reports import Shipment
from . import exports, rollup, selectors
from .forms import ShipmentUploadForm
from .periods import ReportFilterForm, add_months

VIEW = "quality.view_reports"


def _form(request):
    """Always bound: no parameters at all is valid and means last month, unfiltered."""
    return ReportFilterForm(request.GET, today=timezone.localdate(timezone.now()))


def _query_or_none(form):
    return form.report_query() if form.is_valid() else None


@permission_page(VIEW)
def report(request):
    form = _form(request)
    query = _query_or_none(form)
    context = {"form": form}
    if query is not None:
        data = selectors.monthly_report(query)
        trend = rollup.trend(query)
        context.update(report=data, trend=trend, query=query,
                       month_value=query.period_params().get("month", ""), params=urlencode(query.params()),
                       filter_params=urlencode(query.filter_params()),
                       previous=urlencode({"month": f"{add_months(query.first_month, -1):%Y-%m}",
                                           **query.filter_params()}),
                       next=urlencode({"month": f"{add_months(query.first_month, 1):%Y-%m}",
                                       **query.filter_params()}),
                       chart_data=_chart_data(data, trend))
    return render(request, "reports/report.html", context, status=200 if query else 400)


def _chart_data(data, trend):
    return {
        "models": {"labels": [r["code"] for r in data["volume"]["by_model"]],
                   "received": [r["received"] for r in data["volume"]["by_model"]],
                   "completed": [r["completed"] for r in data["volume"]["by_model"]],
                   "titles": [pgettext("tickets received", "Received"), _("Completed")]},
        "sla": {"labels": [r["label"] for r in data["sla"]["by_clock"]],
                "met": [r["met"] for r in data["sla"]["by_clock"]],
                "breached": [r["breached"] for r in data["sla"]["by_clock"]],
                "titles": [_("Met"), _("Breached")]},
        "trend": {"labels": [r["month"] for r in trend],
                  "received": [r["received"] for r in trend], "completed": [r["completed"] for r in trend],
                  "success": [r["success_rate"] for r in trend], "ftf": [r["first_time_fix_rate"] for r in trend],
                  "titles": [_("Repairs received"), _("Repairs completed"), _("Repair success rate (%)"),
                             _("First-time-fix rate (%)")]},
        "parts": {"labels": [r["part_number"] for r in data["parts"]["by_part"][:15]],
                  "cost": [float(r["cost"]) for r in data["parts"]["by_part"][:15]], "title": _("Parts cost")},
    }


@permission_page(VIEW)
def drill_down(request):
    """The tickets behind one figure, with the ticket list's own filters on top."""
    form = _form(request)
    query = _query_or_none(form)
    figure = request.GET.get("figure", "")
    if query is None or figure not in selectors.FIGURES:
        return render(request, "reports/drill_down.html", {"form": form, "bad_figure": True}, status=400)
    extra = {}
    if figure == "sla_breached" and request.GET.get("clock") in dict(selectors.ClockKind.choices):
        extra["clock"] = request.GET["clock"]
    if figure == "parts_used" and request.GET.get("part"):
        extra["part"] = parse_id(request.GET["part"])
    if figure in ("at_vendor", "rma_returned", "rma_overdue") and request.GET.get("vendor"):
        extra["vendor"] = parse_id(request.GET["vendor"])
    if figure == "rma_overdue" and request.GET.get("milestone") in dict(selectors.MilestoneKind.choices):
        extra["milestone"] = request.GET["milestone"]
    tickets = selectors.figure_tickets(figure, query, **extra).select_related(
        "customer", "unit__model", "assignee", "fault_code")
    filterset = TicketFilterSet(_list_filters(request), queryset=tickets, request=request)
    rows, older = keyset_page(filterset.qs, parse_id(request.GET.get("before")))
    return render(request, "reports/drill_down.html", {
        "form": form, "query": query, "figure": figure, "figure_label": FIGURE_LABELS().get(figure, figure),
        "tickets": rows, "total": tickets.count(), "now": timezone.now(),
        "back_url": reverse("reports:index") + "?" + urlencode(query.params()),
        "older_url": page_url(request, before=older) if older else None,
        "newest_url": page_url(request, before=None) if request.GET.get("before") else None,
    })


def _list_filters(request):
    """The ticket list's filters from the query string, minus the report's own (assignee
    comes from the report's engineer filter, dates from its period)."""
    params = request.GET.copy()
    for name in ("month", "date_from", "date_to", "product_line", "model", "engineer", "area", "service_point", "figure", "clock",
                 "part", "vendor", "milestone", "before"):
        params.pop(name, None)
    return params or None


def FIGURE_LABELS():  # noqa: N802 — evaluated per request, in the reader's language
    return {"received": _("Repairs received"), "completed": _("Repairs completed"),
            "succeeded": _("Repaired successfully"), "not_succeeded": _("Not repaired successfully"),
            "first_time_fixed": _("Fixed the first time"), "doa": _("DOA units"), "repeats": _("Repeat repairs"),
            "failed": _("Failed repairs (fault came back)"),
            "sla_breached": _("SLA breached"), "parts_used": _("Tickets with parts issued"),
            "at_vendor": _("Units at vendors"), "rma_returned": _("Units back from vendors"),
            "rma_overdue": _("Overdue RMA milestones"), "callbacks_answered": _("Callbacks answered"),
            "not_satisfied": _("Not satisfied (a score below 4)"), "complaints": _("Complaints")}


@permission_page(VIEW)
def export(request, fmt):
    form = _form(request)
    query = _query_or_none(form)
    if query is None:
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()), status=400,
                            content_type="text/plain; charset=utf-8")
    all_tables = exports.tables(selectors.monthly_report(query), rollup.trend(query))
    stem = f"report-{query.start:%Y%m%d}-{query.end:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(all_tables),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    section = request.GET.get("section", "summary")
    table = next((t for t in all_tables if t.key == section), None)
    if table is None:
        raise Http404
    response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{section}.csv"'
    return response


@permission_page("quality.add_shipment")
def shipments(request):
    form = ShipmentUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = form.run(by=request.user, now=timezone.now())
        except (ImportFileError, ValidationError) as error:
            form.add_error("file", error.messages if isinstance(error, ValidationError) else str(error))
        except DomainPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        else:
            if result.imported:
                messages.success(request, _("%(count)d shipment figures imported.") % {
                    "count": result.rows - result.skipped})
                if not result.errors:
                    return redirect("reports:shipments")
    recent = Shipment.objects.select_related("model").order_by("-month", "model__code")[:50]
    return render(request, "reports/shipments.html", {"form": form, "result": result, "recent": recent},
                  status=400 if form.errors or (result and result.errors and not result.imported) else 200)
