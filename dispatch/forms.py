from django import forms
from django.utils.translation import gettext_lazy as _

from tickets import choices
from tickets.forms import EngineerChoiceField
from tickets.selectors import engineers
from tickets.models import FaultCode, ProductLine

from .models import EngineerStatus


class BoardFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All areas"))] + choices.Area.choices)
    product_line = forms.ChoiceField(label=_("Skill"), required=False)
    service_type = forms.ChoiceField(label=_("Service type"), required=False,
                                     choices=[("", _("All types"))] + choices.ServiceType.choices)

    def __init__(self, *args, lines=None, **kwargs):
        """`lines`: {id: product line} already read by the board (else read when used, once)."""
        super().__init__(*args, **kwargs)
        read = []

        def choices():  # a callable is called each time the choices are iterated: read once
            if not read:
                found = lines.values() if lines is not None else ProductLine.objects.order_by("name")
                read.append([("", _("All product lines"))] + [(line.code, line.name) for line in found])
            return read[0]

        self.fields["product_line"].choices = choices


OVERRIDE_HELP = _("Only when the engineer is off duty, lacks the skill or does not do this service type.")


class AssignForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=40)
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=engineers())
    travel_minutes = forms.IntegerField(label=_("Travel (min)"), required=False, min_value=0, max_value=1440)
    override_reason = forms.CharField(label=_("Override reason"), required=False, max_length=500,
                                      help_text=OVERRIDE_HELP)


class ReassignForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=40)
    engineer = EngineerChoiceField(label=_("New engineer"), queryset=engineers())
    expected_assignee = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    override_reason = forms.CharField(label=_("Override reason"), required=False, max_length=500,
                                      help_text=OVERRIDE_HELP)


class PickerForm(forms.Form):
    """Which form the engineer picker shows: assign a queued ticket or reassign a job."""

    ticket = forms.CharField(max_length=40)
    mode = forms.ChoiceField(choices=[("assign", "assign"), ("reassign", "reassign")], required=False)
    engineer = forms.IntegerField(required=False, min_value=1)


class StatusForm(forms.Form):
    engineer = forms.ModelChoiceField(queryset=engineers(), widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=EngineerStatus.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is validated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReceiveForm(forms.Form):
    condition = forms.CharField(label=_("Condition on receipt"), widget=forms.Textarea(attrs={"rows": 2}),
                                max_length=2000)
    accessories = forms.CharField(label=_("Accessories received"), required=False, max_length=300)
    photos = MultipleFileField(label=_("Photos (JPEG/PNG, up to 5 MB each)"), required=False)


class TestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Test"), choices=[("fault", _("Fault test")),
                                                        ("post_repair", _("Post-repair test"))])
    result = forms.ChoiceField(label=_("Result"), choices=[
        ("fault_confirmed", _("Fault confirmed")), ("no_fault_found", _("No fault found")),
        ("passed", _("Passed")), ("failed", _("Failed"))])
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=2000)


class ReturnForm(forms.Form):
    method = forms.ChoiceField(label=_("Return method"), choices=[("pickup", _("Customer pickup")),
                                                                   ("courier", _("Courier"))])
    tracking = forms.CharField(label=_("Tracking number"), required=False, max_length=80)


class FieldJobForm(forms.Form):
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=engineers())
    customer_phone = forms.CharField(label=_("Customer phone"), max_length=40)
    serial_number = forms.CharField(label=_("Unit serial number"), max_length=80, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=choices.Category.choices,
                                 initial=choices.Category.REPAIR)
    service_type = forms.ChoiceField(label=_("Service type"), choices=choices.ServiceType.choices,
                                     initial=choices.ServiceType.ONSITE)
    fault_code = forms.ModelChoiceField(label=_("Fault code"), queryset=FaultCode.objects.all(), required=False)
    fault_description = forms.CharField(label=_("Fault description"), widget=forms.Textarea(attrs={"rows": 2}))
    received_at = forms.DateTimeField(label=_("Taken at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    arrived_at = forms.DateTimeField(label=_("Arrived at"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    started_at = forms.DateTimeField(label=_("Started at"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    completed_at = forms.DateTimeField(label=_("Completed at"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—")] + [c for c in choices.Outcome.choices if c[0] != "answered"])
    work_done = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    customer_confirmation = forms.CharField(label=_("Confirmed by (customer)"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("completed_at"):
            for name in ("outcome", "work_done", "customer_confirmation"):
                if not data.get(name):
                    self.add_error(name, _("Needed when the job was completed."))
        return data


class EngineerForm(forms.Form):
    """What a supervisor sets for an engineer on the engineers page."""

    product_lines = forms.ModelMultipleChoiceField(
        label=_("Skills (product lines)"), queryset=ProductLine.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)
    area = forms.ChoiceField(label=_("Area"), choices=choices.Area.choices)
    does_onsite = forms.BooleanField(label=_("Onsite jobs"), required=False)
    does_depot = forms.BooleanField(label=_("Depot jobs (carry-in, mail-in)"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EngineerStatus.choices)

    def clean(self):
        data = super().clean()
        if not (data.get("does_onsite") or data.get("does_depot")):
            raise forms.ValidationError(_("An engineer works onsite jobs, depot jobs or both."))
        return data
