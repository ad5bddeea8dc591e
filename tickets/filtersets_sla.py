"""FilterSet for escalations, shared by the escalations page and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ClockKind, Escalation, EscalationLevel


class EscalationFilterSet(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(choices=EscalationLevel.choices, label=_("Level"))
    clock = django_filters.MultipleChoiceFilter(field_name="clock__kind", choices=ClockKind.choices,
                                                label=_("Clock"))
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("Acknowledged"))
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    raised_after = django_filters.DateFilter(field_name="raised_at", lookup_expr="date__gte", label=_("Raised from"))
    raised_before = django_filters.DateFilter(field_name="raised_at", lookup_expr="date__lte", label=_("Raised to"))

    class Meta:
        model = Escalation
        fields = ["level", "clock", "acknowledged", "ticket", "raised_after", "raised_before"]
