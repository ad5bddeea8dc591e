"""The call agent's intake page: find or create customer and unit, tell the warranty,
log the ticket (or answer an inquiry and close it) in one transaction."""
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors, services, warranty
from ..exceptions import DomainError, OpenTicketExists, PhoneOnFile
from ..forms import IntakeForm, NewCustomerForm, NewUnitForm, WarrantyPreviewForm
from ..models import Customer
from .common import add_errors, parse_id, permission_page


@dataclass
class IntakeForms:
    ticket: IntakeForm
    customer: NewCustomerForm
    unit: NewUnitForm

    refusal: Exception = None  # the service refusal that stopped the submit, if any

    def all(self):
        return (self.ticket, self.customer, self.unit)


class _StepFailed(Exception):
    """One service call inside the intake transaction refused; roll everything back."""


def _chosen_customer(request):
    pk = parse_id(request.POST.get("customer") or request.GET.get("customer"))
    if pk is None:
        return None
    return Customer.objects.prefetch_related("phones").filter(pk=pk).first()


def _build_forms(request, customer):
    if request.method != "POST":
        # No unit is preselected on the server: an inquiry is tied to a unit only when the
        # agent picks one (static/js/app.js preselects a sole unit for repairs).
        phone = request.GET.get("phone", "").strip()[:40]
        return IntakeForms(IntakeForm(initial={"customer": customer}, customer=customer),
                           NewCustomerForm(prefix="nc", initial={"phones": phone} if phone else None),
                           NewUnitForm(prefix="nu"))
    return IntakeForms(
        IntakeForm(request.POST, customer=customer),
        NewCustomerForm(request.POST, prefix="nc"),
        NewUnitForm(request.POST, request.FILES, prefix="nu"),
    )


@permission_page("tickets.add_ticket")
def intake(request):
    now = timezone.now()
    customer = _chosen_customer(request)
    forms = _build_forms(request, customer)
    if request.method == "POST":
        ticket = _submit(request, forms, customer, now=now)
        if ticket is not None:
            messages.success(request, _("Ticket %(number)s created.") % {"number": ticket.number})
            return redirect(ticket)
        if not forms.unit.has_input():  # not used: show it empty, not "required" errors
            forms.unit = NewUnitForm(prefix="nu")
    context = {"forms": forms, "form": forms.ticket, "customer": customer,
               "verdict": _initial_verdict(forms.ticket, now=now), **_refusal_links(forms.refusal)}
    if request.htmx and request.GET.get("panel"):
        return render(request, "tickets/partials/customer_panel_swap.html", context)
    return render(request, "tickets/intake.html", context, status=400 if request.method == "POST" else 200)


def _initial_verdict(form, *, now):
    """Warranty of the unit already selected (the only unit of a picked customer)."""
    if form.is_bound:
        unit = getattr(form, "cleaned_data", {}).get("unit")
    else:
        unit = form.initial.get("unit")
    return warranty.assess_unit(unit, today=timezone.localdate(now)) if unit else None


def _inputs_valid(forms, customer):
    valid = forms.ticket.is_valid()
    if customer is None:
        valid = forms.customer.is_valid() and valid
    if forms.ticket.is_valid() and forms.ticket.cleaned_data.get("unit") is None and forms.unit.has_input():
        valid = forms.unit.is_valid() and valid
    return valid


def _submit(request, forms, customer, *, now):
    if not _inputs_valid(forms, customer):
        return None
    try:
        with transaction.atomic():
            return _create_all(request.user, forms, customer, now=now)
    except _StepFailed as failed:
        forms.refusal = failed.__cause__
        return None


def _refusal_links(refusal):
    """An open ticket for the unit, or the customer who already has the phone: linked."""
    if isinstance(refusal, OpenTicketExists):
        return {"open_ticket": refusal.extra}
    if isinstance(refusal, PhoneOnFile):
        return {"phone_owner": refusal.extra}
    return {}


def _step(form, call, *, field=None, **kwargs):
    try:
        return call(**kwargs)
    except (DomainError, ValidationError) as error:
        add_errors(form, error, field=field)
        raise _StepFailed from error


def _create_all(user, forms, customer, *, now):
    data = forms.ticket.cleaned_data
    if customer is None:
        customer = _step(forms.customer, services.create_customer, by=user, **forms.customer.cleaned_data)
    unit = data.get("unit")
    if unit is None and forms.unit.has_input():
        unit = _step(forms.unit, services.create_unit, by=user, customer=customer, **_unit_fields(forms.unit))
    ticket = _step(
        forms.ticket, services.create_ticket, by=user, now=now, customer=customer, unit=unit,
        channel=data["channel"], category=data["category"], service_type=data["service_type"],
        priority=data["priority"], fault_code=data.get("fault_code"), fault_description=data["fault_description"],
        duplicate_reason=data.get("duplicate_reason", ""), service_point=data.get("service_point"),
    )
    if forms.ticket.data.get("resolve"):
        _step(forms.ticket, services.resolve_at_intake, field="answer", ticket=ticket, by=user, now=now,
              answer=data["answer"])
    return ticket


def _unit_fields(form):
    fields = dict(form.cleaned_data)
    if not fields.get("proof_image"):
        fields.pop("proof_image", None)
    return fields


@permission_page("tickets.add_ticket")
def intake_search(request):
    term = request.GET.get("q", "")
    results = selectors.search_customers(term)
    return render(request, "tickets/partials/search_results.html", {"results": results, "term": term.strip()})


_PREVIEW_ALIASES = {"model": "nu-model", "purchase_date": "nu-purchase_date", "verified": "nu-proof_verified"}


def _preview_data(query):
    data = {"unit": query.get("unit", "")}
    for name, alias in _PREVIEW_ALIASES.items():
        data[name] = query.get(name) or query.get(alias, "")
    return data


@permission_page("tickets.add_ticket")
def warranty_preview(request):
    """The warranty panel: for a unit on file, or for the model and date being typed."""
    today = timezone.localdate(timezone.now())
    form = WarrantyPreviewForm(_preview_data(request.GET))
    verdict = None
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            verdict = warranty.assess_unit(data["unit"], today=today)
        elif data["model"]:
            verdict = warranty.assess(
                purchase_date=data["purchase_date"], warranty_months=data["model"].warranty_months,
                doa_days=data["model"].doa_days, proof_verified=data["verified"], today=today,
            )
    return render(request, "tickets/partials/warranty_panel.html", {"verdict": verdict})
