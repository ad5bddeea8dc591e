"""Page forms. They only validate input; the services decide and write (STYLE.md)."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from spares.models import Warehouse, WarehouseKind

from . import choices, selectors
from .models import Customer, FaultCode, ProductModel, ProductUnit
from .uploads import signature_from_data_url
from .widgets import LazySelect


class EngineerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- intake ----------------------------------------------------------------------------

class IntakeForm(forms.Form):
    """The ticket part of the intake page; customer and unit are chosen or typed inline."""

    customer = forms.ModelChoiceField(Customer.objects.all(), required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(ProductUnit.objects.none(), required=False, widget=forms.RadioSelect,
                                  empty_label=None, label=_("Unit"))
    channel = forms.ChoiceField(label=_("Channel"), choices=choices.Channel.choices, initial=choices.Channel.PHONE)
    category = forms.ChoiceField(label=_("Category"), choices=choices.Category.choices,
                                 initial=choices.Category.REPAIR)
    service_type = forms.ChoiceField(label=_("Service type"), choices=choices.ServiceType.choices,
                                     initial=choices.ServiceType.ONSITE)
    priority = forms.ChoiceField(label=_("Priority"), choices=choices.Priority.choices,
                                 initial=choices.Priority.NORMAL)
    fault_code = forms.ModelChoiceField(FaultCode.objects.all(), required=False, label=_("Fault code"))
    service_point = forms.ModelChoiceField(
        Warehouse.objects.filter(kind=WarehouseKind.SERVICE_POINT, is_active=True), required=False,
        label=_("Service point"), help_text=_("The branch that handles the ticket."))
    fault_description = forms.CharField(label=_("Fault description"), required=False, widget=_textarea(4))
    answer = forms.CharField(label=_("Answer given to the customer"), required=False, widget=_textarea(3))
    duplicate_reason = forms.CharField(
        label=_("Reason for another ticket for this unit"), required=False, max_length=2000, widget=_textarea(2),
        help_text=_("Only when the unit already has an open ticket and this call needs a ticket of its own."))

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["unit"].queryset = customer.units.select_related("model")
            self.fields["unit"].label_from_instance = _unit_label

    def clean(self):
        data = super().clean()
        unit, customer = data.get("unit"), data.get("customer")
        if unit is not None and (customer is None or unit.customer_id != customer.pk):
            self.add_error("unit", _("The unit belongs to another customer."))
        return data


def _unit_label(unit):
    bought = unit.purchase_date.isoformat() if unit.purchase_date else "—"
    return f"{unit.model.code} · {unit.serial_number} · {bought}"


class NewCustomerForm(forms.Form):
    """Used only when no existing customer was picked."""

    name = forms.CharField(label=_("Name"), max_length=200)
    phones = forms.CharField(label=_("Phone(s)"), max_length=200,
                             help_text=_("Several numbers: separate with commas."))
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=_textarea(2))
    area = forms.ChoiceField(label=_("Area"), choices=choices.Area.choices, initial=choices.Area.URBAN)
    customer_type = forms.ChoiceField(label=_("Customer type"), choices=choices.CustomerType.choices,
                                      initial=choices.CustomerType.CONSUMER)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)

    def clean_phones(self):
        phones = [p.strip() for p in re.split(r"[,;/\n]", self.cleaned_data["phones"]) if p.strip()]
        if not phones or not any(re.search(r"\d{3,}", p) for p in phones):
            raise forms.ValidationError(_("Enter at least one phone number."))
        return phones


class NewUnitForm(forms.Form):
    """Used when the caller's unit is not on file yet (model + serial number)."""

    model = forms.ModelChoiceField(ProductModel.objects.all(), label=_("Model"))
    serial_number = forms.CharField(label=_("Serial number"), max_length=80)
    purchase_date = forms.DateField(label=_("Purchase date"), required=False, widget=DateInput())
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=80, required=False)
    proof_image = forms.FileField(label=_("Proof of purchase"), required=False)
    proof_verified = forms.BooleanField(label=_("Proof verified"), required=False)
    sold_by = forms.CharField(label=_("Sold by"), max_length=120, required=False)

    def has_input(self):
        """The agent started describing a new unit (any of its key fields typed)."""
        keys = ("model", "serial_number", "purchase_date", "invoice_number")
        return any((self.data.get(self.add_prefix(k)) or "").strip() for k in keys) or bool(
            self.files.get(self.add_prefix("proof_image")))


class WarrantyPreviewForm(forms.Form):
    unit = forms.ModelChoiceField(ProductUnit.objects.select_related("model"), required=False)
    model = forms.ModelChoiceField(ProductModel.objects.all(), required=False)
    purchase_date = forms.DateField(required=False)
    verified = forms.BooleanField(required=False)


# --- ticket actions -----------------------------------------------------------------------

class AssignForm(forms.Form):
    # 300 engineers: the picker loads when the form is opened (tickets:engineer_options)
    engineer = EngineerChoiceField(selectors.engineers(), label=_("Engineer"),
                                   widget=LazySelect("tickets:engineer_options"))
    travel_minutes = forms.IntegerField(label=_("Travel estimate (min)"), required=False, min_value=0,
                                        max_value=24 * 60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = selectors.engineers()


class ReassignForm(AssignForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    expected_assignee_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["travel_minutes"]


class TimeForm(forms.Form):
    """Arrive / start: the time the engineer reported, or now when left empty."""

    at = forms.DateTimeField(label=_("Time (if reported later)"), required=False, widget=DateTimeLocalInput())


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=choices.HoldReason.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))


class OptionalNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))


class EmptyForm(forms.Form):
    pass


_REPAIR_OUTCOMES = [(v, label) for v, label in choices.Outcome.choices if v != choices.Outcome.ANSWERED]


class SignatureWidget(forms.HiddenInput):
    """A canvas to sign on; static/js/signature.js writes a PNG data URL into the input."""

    input_type = "hidden"
    template_name = "tickets/widgets/signature.html"

    @property
    def is_hidden(self):
        return False  # rendered with the visible fields, label and all


class SignatureField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return signature_from_data_url(value)
        except ValidationError as invalid:
            raise forms.ValidationError(invalid.messages) from None


class CompleteForm(TimeForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_REPAIR_OUTCOMES)
    work_done = forms.CharField(label=_("Work done"), widget=_textarea(3))
    parts_used = forms.CharField(label=_("Parts used"), required=False, widget=_textarea(2))
    parts_replaced = forms.BooleanField(label=_("Defective parts replaced"), required=False)
    customer_confirmation = forms.CharField(label=_("Confirmed by (customer name)"), max_length=200, required=False)
    customer_signature = SignatureField(label=_("Customer signature"), required=False, widget=SignatureWidget)

    field_order = ["outcome", "work_done", "parts_used", "parts_replaced", "customer_confirmation",
                   "customer_signature", "at"]

    def clean(self):
        data = super().clean()
        if not data.get("customer_confirmation") and not data.get("customer_signature") \
                and "customer_signature" not in self.errors:
            self.add_error("customer_confirmation", _("Type the customer's name or let them sign."))
        return data


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[
        (choices.CloseReason.CALLBACK_DONE, choices.CloseReason.CALLBACK_DONE.label),
        (choices.CloseReason.CUSTOMER_UNREACHABLE, choices.CloseReason.CUSTOMER_UNREACHABLE.label),
    ])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2))


class NoteForm(forms.Form):
    message = forms.CharField(label=_("Note"), widget=_textarea(2))
