"""FilterSet for escalations, shared by the escalations page and the API."""
from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ClockKind, Escalation, EscalationLevel

RMA = "rma"


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class EscalationFilterSet(django_filters.FilterSet):
    # distinct=False: no join here multiplies rows (clock is a foreign key), and DISTINCT
    # would stop the page from walking its index in order.
    level = django_filters.MultipleChoiceFilter(choices=EscalationLevel.choices, label=_("Level"), distinct=False)
    # A clock kind, or "rma": the vendor repairs' missed milestones and daily reminders.
    clock = django_filters.MultipleChoiceFilter(choices=[*ClockKind.choices, (RMA, _("Vendor repair (RMA)"))],
                                                label=_("Clock"), distinct=False, method="filter_clock")
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("Acknowledged"))
    ticket = django_filters.CharFilter(field_name="ticket__number", label=_("Ticket"))
    # Local days as ranges on raised_at (no cast of the column: the index stays usable).
    raised_after = django_filters.DateFilter(method="filter_raised_after", label=_("Raised from"))
    raised_before = django_filters.DateFilter(method="filter_raised_before", label=_("Raised to"))

    class Meta:
        model = Escalation
        fields = ["level", "clock", "acknowledged", "ticket", "raised_after", "raised_before"]

    def filter_clock(self, queryset, name, value):
        if not value:
            return queryset
        kinds = [kind for kind in value if kind != RMA]
        if RMA not in value:
            return queryset.filter(clock__kind__in=kinds)
        return queryset.filter(Q(clock__kind__in=kinds) | Q(rma__isnull=False) if kinds else Q(rma__isnull=False))

    def filter_raised_after(self, queryset, name, value):
        return queryset.filter(raised_at__gte=_day_start(value))

    def filter_raised_before(self, queryset, name, value):
        return queryset.filter(raised_at__lt=_day_start(value + timedelta(days=1)))
