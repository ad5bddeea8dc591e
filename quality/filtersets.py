"""FilterSets shared by the quality pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from tickets.choices import Channel

from .choices import CallbackChannel, CallbackResult, ComplaintCategory, ComplaintStatus, QaRole, Severity
from .models import Callback, Complaint, QaSample, QualityAlert, SurveyLink


class CallbackFilterSet(django_filters.FilterSet):
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    result = django_filters.MultipleChoiceFilter(choices=CallbackResult.choices, label=_("Result"))
    channel = django_filters.ChoiceFilter(choices=CallbackChannel.choices, label=_("Channel"))
    low_score = django_filters.BooleanFilter(field_name="is_low_score", label=_("Low score"))
    followed_up = django_filters.BooleanFilter(field_name="follow_up_done_at", lookup_expr="isnull", exclude=True,
                                               label=_("Followed up"))
    after = django_filters.DateFilter(field_name="attempted_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="attempted_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Callback
        fields = []


class SurveyLinkFilterSet(django_filters.FilterSet):
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    answered = django_filters.BooleanFilter(field_name="used_at", lookup_expr="isnull", exclude=True,
                                            label=_("Answered"))

    class Meta:
        model = SurveyLink
        fields = []


class ComplaintFilterSet(django_filters.FilterSet):
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    status = django_filters.MultipleChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices, label=_("Category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    reply_late = django_filters.BooleanFilter(field_name="reply_breached", label=_("Reply late"))
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Complaint
        fields = []


class QualityAlertFilterSet(django_filters.FilterSet):
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("Acknowledged"))
    model = django_filters.CharFilter(field_name="product_model__code", label=_("Model"))
    fault_code = django_filters.CharFilter(field_name="fault_code__code", label=_("Fault code"))

    class Meta:
        model = QualityAlert
        fields = []


class QaSampleFilterSet(django_filters.FilterSet):
    month = django_filters.DateFilter(field_name="month", label=_("Month"))
    person_role = django_filters.ChoiceFilter(choices=QaRole.choices, label=_("As"))
    person = django_filters.CharFilter(field_name="person__username", label=_("Person"))
    scored = django_filters.BooleanFilter(field_name="scored_at", lookup_expr="isnull", exclude=True,
                                          label=_("Scored"))

    class Meta:
        model = QaSample
        fields = []
