"""FilterSet for escalations, shared by the escalations page and the API."""
from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ClockKind, Escalation, EscalationLevel


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class EscalationFilterSet(django_filters.FilterSet):
    # distinct=False: no join here multiplies rows (clock is a foreign key), and DISTINCT
    # would stop the page from walking its index in order.
    level = django_filters.MultipleChoiceFilter(choices=EscalationLevel.choices, label=_("Level"), distinct=False)
    clock = django_filters.MultipleChoiceFilter(field_name="clock__kind", choices=ClockKind.choices,
                                                label=_("Clock"), distinct=False)
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("Acknowledged"))
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    # Local days as ranges on raised_at (no cast of the column: the index stays usable).
    raised_after = django_filters.DateFilter(method="filter_raised_after", label=_("Raised from"))
    raised_before = django_filters.DateFilter(method="filter_raised_before", label=_("Raised to"))

    class Meta:
        model = Escalation
        fields = ["level", "clock", "acknowledged", "ticket", "raised_after", "raised_before"]

    def filter_raised_after(self, queryset, name, value):
        return queryset.filter(raised_at__gte=_day_start(value))

    def filter_raised_before(self, queryset, name, value):
        return queryset.filter(raised_at__lt=_day_start(value + timedelta(days=1)))
