"""Page forms of the quality department: they validate input; services write."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from staff import roles
from tickets.choices import Channel
from tickets.models import CustomerPhone, Ticket
from tickets.phones import normalize_phone

from .choices import CallbackResult, ComplaintCategory, Responsibility, Severity, SurveyLanguage

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


def _score(label, required=True):
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, required=required,
                                  widget=forms.RadioSelect(attrs={"class": "score"}))


def _text(label, rows=3, required=True, max_length=4000):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class CallbackForm(forms.Form):
    result = forms.ChoiceField(label=_("Result of the call"), choices=CallbackResult.choices,
                               widget=forms.RadioSelect, initial=CallbackResult.ANSWERED)
    attitude = _score(_("Attitude"), required=False)
    speed = _score(_("Speed"), required=False)
    repair_quality = _score(_("Repair quality"), required=False)
    comment = _text(_("Comment"), required=False, max_length=2000)


class SurveySendForm(forms.Form):
    language = forms.ChoiceField(label=_("Customer's language"), choices=SurveyLanguage.choices,
                                 initial=SurveyLanguage.ZH_HANS)
    email = forms.EmailField(label=_("Email to (empty: copy the link for SMS)"), required=False)


class SurveyForm(forms.Form):
    attitude = _score(_("How was our staff's attitude?"))
    speed = _score(_("How quick was the service?"))
    repair_quality = _score(_("How good is the repair?"))
    comment = _text(_("Anything else you want to tell us?"), rows=3, required=False, max_length=2000)


class FollowUpForm(forms.Form):
    note = _text(_("What was done for the customer"), max_length=2000)


class ComplaintForm(forms.Form):
    ticket = forms.CharField(label=_("Source ticket (optional)"), required=False, max_length=30)
    phone = forms.CharField(label=_("Customer's phone (without a ticket)"), required=False, max_length=40)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL,
                                 widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    description = _text(_("What the customer says"), rows=4)
    owner = PersonChoiceField(get_user_model().objects.none(), label=_("Owner"), required=False,
                              empty_label=_("Me"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (get_user_model().objects.filter(
            is_active=True, groups__name__in=[roles.QUALITY, roles.AGENT, roles.SUPERVISOR])
            .distinct().order_by("first_name", "username"))

    def clean(self):
        data = super().clean()
        number, phone = (data.get("ticket") or "").strip().upper(), (data.get("phone") or "").strip()
        data["source_ticket"] = None
        if number:
            ticket = Ticket.objects.select_related("customer").filter(number=number).first()
            if ticket is None:
                self.add_error("ticket", _("No ticket with this number."))
                return data
            data["source_ticket"], data["customer"] = ticket, ticket.customer
        elif phone:
            digits = normalize_phone(phone)
            customers = {p.customer for p in CustomerPhone.objects.select_related("customer").filter(number=digits)[:2]}
            if len(customers) != 1:
                self.add_error("phone", _("No customer with this phone number."))
                return data
            data["customer"] = customers.pop()
        else:
            self.add_error("ticket", _("Give the source ticket or the customer's phone."))
        return data


class ReplyForm(forms.Form):
    note = _text(_("First reply to the customer"))


class InvestigationForm(forms.Form):
    cause = _text(_("Cause"))
    responsibility = forms.ChoiceField(label=_("Responsibility"), choices=Responsibility.choices)


class RemedyForm(forms.Form):
    remedy = _text(_("Remedy offered"))


class AcceptanceForm(forms.Form):
    accepted = forms.TypedChoiceField(label=_("Customer's answer"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Accepted")), ("no", _("Not accepted"))],
                                      widget=forms.RadioSelect)


class CloseComplaintForm(forms.Form):
    closing_summary = _text(_("Closing summary (cause and what was done)"))
    prevention = _text(_("Prevention"))


class OwnerForm(forms.Form):
    owner = PersonChoiceField(get_user_model().objects.none(), label=_("Owner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = ComplaintForm().fields["owner"].queryset


class AlertAckForm(forms.Form):
    findings = _text(_("Findings"))


class QaScoreForm(forms.Form):
    call_handling = _score(_("Call handling"))
    diagnosis = _score(_("Diagnosis"))
    report_completeness = _score(_("Report completeness"))
    customer_care = _score(_("Customer care"))
    comment = _text(_("Comment"), required=False, max_length=2000)


class QaDrawForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))


class SettingsForm(forms.Form):
    batch_threshold = forms.IntegerField(label=_("Repairs that make a batch (N)"), min_value=2, max_value=1000)
    batch_window_days = forms.IntegerField(label=_("Within days (D)"), min_value=1, max_value=365)
    qa_sample_size = forms.IntegerField(label=_("QA sample per person and month"), min_value=1, max_value=100)
