"""Forms of the spare-parts pages. They validate input only; services do the writing."""
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from tickets.forms import CompleteForm, SignatureField, SignatureWidget
from tickets.widgets import LazySelect

from .models import Condition, MilestoneKind, MoveKind, Part, QuoteLineKind, Vendor, Warehouse
from .services.ticket_parts import PartLine

PART_LINES = 3


def _parts():
    return Part.objects.filter(is_active=True).order_by("part_number")


def _places():
    return Warehouse.objects.filter(is_active=True).order_by("kind", "code")


def lazy_part_field(**kwargs):
    return forms.ModelChoiceField(queryset=_parts(), widget=LazySelect("spares:options_parts"), **kwargs)


def lazy_place_field(**kwargs):
    return forms.ModelChoiceField(queryset=_places(), widget=LazySelect("spares:options_places"), **kwargs)


OPTION_SOURCES = {"parts": _parts, "places": _places}


class ReceiptForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Into warehouse"), queryset=Warehouse.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = _parts()
        self.fields["warehouse"].queryset = _places()


class ReserveForm(ReceiptForm):
    """On the ticket page, in a closed <details>: its pickers load when it is opened."""

    note = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"] = lazy_part_field(label=_("Part"))
        self.fields["warehouse"] = lazy_place_field(label=_("From warehouse"))


class TransferForm(ReceiptForm):
    from_warehouse = forms.ModelChoiceField(label=_("From warehouse"), queryset=Warehouse.objects.none())
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    field_order = ["part", "from_warehouse", "warehouse", "quantity", "condition", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_warehouse"].queryset = _places()
        self.fields["warehouse"].label = _("To warehouse")

    def clean(self):
        data = super().clean()
        if data.get("warehouse") and data.get("warehouse") == data.get("from_warehouse"):
            self.add_error("warehouse", _("Choose two different warehouses."))
        return data


class StocktakeForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    counted = forms.IntegerField(label=_("Counted"), min_value=0, max_value=100_000)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = _parts()
        self.fields["warehouse"].queryset = _places()


class MoveFilterForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds"))] + MoveKind.choices, required=False)
    ticket = forms.CharField(label=_("Ticket"), max_length=20, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = _parts()
        self.fields["warehouse"].queryset = _places()


class RmaCreateForm(forms.Form):
    ticket = forms.CharField(label=_("Ticket number"), max_length=20)
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=80)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80)
    expected_back = forms.DateField(label=_("Expected back"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    cost = forms.DecimalField(label=_("Cost"), min_value=0, max_digits=10, decimal_places=2, required=False)


VENDOR_CHOICES_KEY = "spares:vendor-choices"


def vendor_choices():
    """(id, name) of the vendors, cached (cleared when a vendor is saved or deleted, see
    spares.rules) so the ticket page's send-to-vendor form adds no query."""
    return cache.get_or_set(VENDOR_CHOICES_KEY, lambda: list(Vendor.objects.order_by("name")
                                                               .values_list("pk", "name")), 300)


class SendToVendorForm(forms.Form):
    """The ticket's "send to vendor": opens the RMA (spares.services.rma.send_to_vendor);
    with carrier and tracking number the unit is shipped at once, otherwise the desk
    records the shipment on the RMA within the 4-hour ship milestone."""

    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    carrier = forms.CharField(label=_("Carrier"), max_length=80, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # drawn on every in-progress ticket page: the choices from the cache
            self.fields["vendor"].widget.choices = [("", "---------"), *vendor_choices()]

    def clean(self):
        data = super().clean()
        if bool((data.get("carrier") or "").strip()) != bool((data.get("tracking_number") or "").strip()):
            raise forms.ValidationError(_("Give both the carrier and the tracking number, or neither (record "
                                          "the shipment on the RMA later)."))
        return data


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, label) for k, label in MilestoneKind.choices
                                      if k not in (MilestoneKind.SHIPPED, MilestoneKind.DAY_30)],
                             widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class QuoteForm(forms.Form):
    """Up to one line per kind plus two part lines: enough for a repair quote."""

    labour = forms.DecimalField(label=_("Labour"), min_value=0, max_digits=10, decimal_places=2, required=False)
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    part_quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, required=False)
    part_price = forms.DecimalField(label=_("Part price (each)"), min_value=0, max_digits=10, decimal_places=2,
                                    required=False)
    transport = forms.DecimalField(label=_("Transport"), min_value=0, max_digits=10, decimal_places=2, required=False)
    insurance = forms.DecimalField(label=_("Insurance"), min_value=0, max_digits=10, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = _parts()

    def clean(self):
        data = super().clean()
        if data.get("part") and data.get("part_price") is None:
            data["part_price"] = data["part"].unit_cost
        if not self.lines() and not self.errors:
            raise forms.ValidationError(_("Enter at least one amount."))
        return data

    def lines(self):
        d = self.cleaned_data
        result = [{"kind": kind, "unit_price": d[kind], "quantity": 1, "description": ""}
                  for kind in (QuoteLineKind.LABOUR, QuoteLineKind.TRANSPORT, QuoteLineKind.INSURANCE)
                  if d.get(kind) is not None]
        if d.get("part"):
            result.insert(1, {"kind": QuoteLineKind.PARTS, "part": d["part"], "quantity": d.get("part_quantity") or 1,
                              "unit_price": d["part_price"], "description": d["part"].name})
        return result


class AcceptQuoteForm(forms.Form):
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    typed_consent = forms.CharField(label=_("Typed consent"), max_length=500, required=False,
                                    help_text=_("E.g. “I accept the quote.” — or let the customer sign below."))
    signature = SignatureField(label=_("Customer signature"), required=False, widget=SignatureWidget)

    def clean(self):
        data = super().clean()
        if not data.get("typed_consent") and not data.get("signature") and "signature" not in self.errors:
            self.add_error("typed_consent", _("Type the customer's consent or let them sign."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteWithPartsForm(CompleteForm):
    """The completion form with parts used as ledger lines (part, quantity, from which
    van or warehouse) instead of free text."""

    parts_used = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, PART_LINES + 1):
            # pickers load when the completion form is opened (LazySelect)
            self.fields[f"part_{i}"] = lazy_part_field(label=_("Part used"), required=False)
            self.fields[f"quantity_{i}"] = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100,
                                                              required=False)
            self.fields[f"warehouse_{i}"] = lazy_place_field(label=_("From van or warehouse"), required=False)

    def clean(self):
        data = super().clean()
        lines = []
        for i in range(1, PART_LINES + 1):
            part, quantity, place = data.get(f"part_{i}"), data.get(f"quantity_{i}"), data.get(f"warehouse_{i}")
            if part is None:
                continue
            if place is None:
                self.add_error(f"warehouse_{i}", _("From which van or warehouse?"))
                continue
            lines.append(PartLine(part=part, quantity=quantity or 1, warehouse=place))
        data["part_lines"] = lines
        return data
