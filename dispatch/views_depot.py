"""Depot bench page (receive, test, return) and the field-job entry form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.exceptions import DomainError, InvalidInput
from tickets.models import CustomerPhone, ProductUnit
from tickets.phones import normalize_phone
from tickets.uploads import serve_upload

from . import selectors, services
from .forms import FieldJobForm, ReceiveForm, ReturnForm, TestForm
from .models import BenchTest, DepotPhoto, DepotReceipt

STEP_FORMS = {"receive": ReceiveForm, "test": TestForm, "return": ReturnForm}


def _depot_ticket(request, number):
    from django.shortcuts import get_object_or_404

    ticket = get_object_or_404(selectors.depot_tickets(request.user)
                               .select_related("customer", "unit__model", "assignee"), number=number)
    if ticket.service_type not in services.DEPOT_TYPES:
        messages.info(request, _("%(number)s is not a depot job.") % {"number": ticket.number})
    return ticket


def _context(request, ticket, forms=None):
    receipt = DepotReceipt.objects.filter(ticket=ticket).prefetch_related("photos").first()
    forms = forms or {}
    return {
        "ticket": ticket, "receipt": receipt,
        "tests": BenchTest.objects.filter(ticket=ticket).select_related("tested_by"),
        "receive_form": forms.get("receive", ReceiveForm()), "test_form": forms.get("test", TestForm()),
        "return_form": forms.get("return", ReturnForm()),
    }


@login_required
def depot(request, number):
    return render(request, "dispatch/depot.html", _context(request, _depot_ticket(request, number)))


@login_required
def depot_photo(request, number, pk):
    """A receipt photo, to those who may open the ticket's bench page."""
    from django.shortcuts import get_object_or_404

    ticket = _depot_ticket(request, number)
    return serve_upload(get_object_or_404(DepotPhoto, pk=pk, receipt__ticket=ticket).image)


@login_required
@require_POST
def depot_step(request, number, step):
    if step not in STEP_FORMS:
        from django.http import Http404

        raise Http404
    ticket = _depot_ticket(request, number)
    form = STEP_FORMS[step](request.POST, request.FILES)
    if form.is_valid():
        try:
            _perform(step, ticket, form.cleaned_data, by=request.user, now=timezone.now())
            messages.success(request, _("Recorded."))
            return redirect("dispatch:depot", number=ticket.number)
        except ValidationError as invalid:
            form.add_error("photos" if step == "receive" else None, invalid.messages)
        except DomainError as refusal:
            if refusal.http_status == 403:
                raise PermissionDenied(str(refusal)) from None
            form.add_error(None, str(refusal))
    return render(request, "dispatch/depot.html", _context(request, ticket, {step: form}), status=400)


def _perform(step, ticket, data, *, by, now):
    if step == "receive":
        services.receive_unit(ticket, by=by, now=now, condition=data["condition"],
                              accessories=data.get("accessories", ""), photos=data.get("photos") or [])
    elif step == "test":
        services.record_test(ticket, by=by, now=now, kind=data["kind"], result=data["result"],
                             notes=data.get("notes", ""))
    else:
        services.return_to_customer(ticket, by=by, now=now, method=data["method"], tracking=data.get("tracking", ""))


# --- field jobs -------------------------------------------------------------------------

def _may_enter_field_jobs(user):
    return user.has_perm("tickets.add_ticket") or user.has_perm("tickets.work_ticket")


@login_required
def field_job(request):
    if not _may_enter_field_jobs(request.user):
        raise PermissionDenied
    form = FieldJobForm(request.POST or None, initial={"engineer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _enter(form.cleaned_data, by=request.user, now=timezone.now())
            messages.success(request, _("Field job %(number)s entered.") % {"number": ticket.number})
            return redirect(ticket.get_absolute_url())
        except InvalidInput as invalid:
            form.add_error(None, str(invalid))
        except DomainError as refusal:
            form.add_error(None, str(refusal))
    return render(request, "dispatch/field_job.html", {"form": form}, status=400 if form.errors else 200)


@transaction.atomic
def _enter(data, *, by, now):
    customer, unit = _find_customer_and_unit(data["customer_phone"], data.get("serial_number"))
    completion = None
    if data.get("completed_at"):
        completion = {"outcome": data["outcome"], "work_done": data["work_done"],
                      "customer_confirmation": data["customer_confirmation"], "at": data["completed_at"]}
    return services.enter_field_job(
        by=by, now=now, engineer=data["engineer"], customer=customer, unit=unit, category=data["category"],
        service_type=data["service_type"], fault_description=data["fault_description"],
        fault_code=data.get("fault_code"), received_at=data["received_at"], arrived_at=data.get("arrived_at"),
        started_at=data.get("started_at"), completion=completion)


def _find_customer_and_unit(phone, serial):
    digits = normalize_phone(phone)
    match = CustomerPhone.objects.select_related("customer").filter(number=digits).first()
    if match is None:
        raise InvalidInput(_("No customer with phone %(phone)s. Log the customer at intake first.") % {"phone": phone})
    if not serial:
        return match.customer, None
    unit = ProductUnit.objects.filter(customer=match.customer, serial_number__iexact=serial.strip()).first()
    if unit is None:
        raise InvalidInput(_("This customer has no unit with serial number %(serial)s.") % {"serial": serial})
    return match.customer, unit
