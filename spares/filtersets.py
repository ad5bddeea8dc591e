"""FilterSets shared by the spare-parts pages and the API."""
from datetime import timedelta

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tickets.filtersets import local_midnight

from .models import MoveKind, Part, Reservation, ReservationStatus, Rma, RmaStatus, StockBalance, StockMove


class PartFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Part number or name"), method="search")
    below_reorder_point = filters.BooleanFilter(label=_("Below reorder point"), method="below")

    class Meta:
        model = Part
        fields = ["category", "is_active"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(part_number__icontains=value) | Q(name__icontains=value))

    def below(self, queryset, name, value):
        from django.db.models import F, OuterRef, Subquery, Sum
        from django.db.models.functions import Coalesce

        if value is None:
            return queryset
        on_hand = StockBalance.objects.filter(part=OuterRef("pk"), condition="good").values("part").annotate(
            n=Sum("quantity")).values("n")
        rows = queryset.annotate(_on_hand=Coalesce(Subquery(on_hand), 0))
        return rows.filter(_on_hand__lt=F("reorder_point")) if value else rows.exclude(_on_hand__lt=F("reorder_point"))


class StockBalanceFilterSet(filters.FilterSet):
    class Meta:
        model = StockBalance
        fields = ["part", "warehouse", "condition"]


class StockMoveFilterSet(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=MoveKind.choices)
    warehouse = filters.NumberFilter(label=_("Warehouse (either side)"), method="either_side")
    ticket = filters.CharFilter(field_name="ticket__number")
    # Local days as a range of instants on `at` (indexable), not a cast of every row to a date.
    date_from = filters.DateFilter(method="from_day", label=_("From (local date)"))
    date_to = filters.DateFilter(method="to_day", label=_("To (local date)"))

    class Meta:
        model = StockMove
        fields = ["part", "kind", "condition", "rma"]

    def either_side(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(from_warehouse=value) | Q(to_warehouse=value))

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=local_midnight(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=local_midnight(value + timedelta(days=1)))


class ReservationFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReservationStatus.choices)
    ticket = filters.CharFilter(field_name="ticket__number")

    class Meta:
        model = Reservation
        fields = ["part", "warehouse", "status"]


class RmaFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=RmaStatus.choices)
    ticket = filters.CharFilter(field_name="ticket__number")

    class Meta:
        model = Rma
        fields = ["vendor", "status", "is_doa", "top_priority"]
