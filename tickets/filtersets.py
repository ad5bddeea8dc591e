"""FilterSets shared by the list pages and the API."""
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from . import choices, search, selectors
from .models import Customer, CustomerPhone, ProductModel, ProductUnit, Ticket
from .phones import normalize_phone


MAX_ID = 2**63 - 1  # larger ids overflow the database integer: match nothing instead of failing


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number from 1 to MAX_ID (anything else is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def local_midnight(day):
    """The instant the center's day `day` begins (aware, in the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class TicketFilterSet(django_filters.FilterSet):
    # Each filter is one condition on the ticket table: no join, so no DISTINCT.
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=choices.Status.choices, label=_("Status"), distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=choices.Priority.choices, label=_("Priority"),
                                                   distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=choices.Category.choices, label=_("Category"),
                                                   distinct=False)
    service_type = django_filters.MultipleChoiceFilter(choices=choices.ServiceType.choices, label=_("Service type"),
                                                       distinct=False)
    assignee = django_filters.ModelChoiceFilter(queryset=selectors.engineers, label=_("Assignee"))
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull", label=_("Unassigned"))
    # Dates are the center's local days, turned into a range of instants on created_at
    # (indexed) rather than a cast of every row to a local date.
    created_after = django_filters.DateFilter(method="filter_created_after", label=_("Created from"))
    created_before = django_filters.DateFilter(method="filter_created_before", label=_("Created to"))
    customer = IdFilter(field_name="customer_id", label=_("Customer"))
    service_point = IdFilter(field_name="service_point_id", label=_("Service point"))
    is_doa = django_filters.BooleanFilter(label=_("DOA"))
    breached = django_filters.BooleanFilter(field_name="sla_breached", label=_("SLA breached"))
    warned = django_filters.BooleanFilter(field_name="sla_warned", label=_("SLA warned"))

    class Meta:
        model = Ticket
        fields = ["q", "status", "priority", "category", "service_type", "assignee", "unassigned",
                  "created_after", "created_before", "customer", "service_point", "is_doa", "breached", "warned"]

    def filter_text(self, queryset, name, value):
        """Ticket number or legacy reference, customer phone or name, unit serial: each
        kind of term through its own index (tickets.search)."""
        return search.filter_tickets(queryset, value)

    def filter_created_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=local_midnight(value))

    def filter_created_before(self, queryset, name, value):
        return queryset.filter(created_at__lt=local_midnight(value + timedelta(days=1)))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        after, before = self.form.cleaned_data.get("created_after"), self.form.cleaned_data.get("created_before")
        if after is None and before is None:
            return queryset
        # The list runs newest first along the primary key; the planner, taking dates as
        # spread evenly over ids, walks it backwards from the newest ticket until it meets
        # the range: every ticket newer than the range (2 s for a month two years back).
        # Starting at the range's newest id (read from ticket_created_id_idx alone, exact
        # whatever order tickets were entered or imported in) makes that walk as short as
        # the page. `id + 0` keeps MAX from walking the primary key too.
        conditions, params = [], []
        if after is not None:
            conditions.append("created_at >= %s")
            params.append(local_midnight(after))
        if before is not None:
            conditions.append("created_at < %s")
            params.append(local_midnight(before + timedelta(days=1)))
        table = connection.ops.quote_name(Ticket._meta.db_table)
        newest = RawSQL(f"SELECT MAX(id + 0) FROM {table} WHERE {' AND '.join(conditions)}", params)
        return queryset.filter(id__lte=newest)


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    phone = django_filters.CharFilter(method="filter_phone", label=_("Phone"))
    area = django_filters.ChoiceFilter(choices=choices.Area.choices, label=_("Area"))
    customer_type = django_filters.ChoiceFilter(choices=choices.CustomerType.choices, label=_("Customer type"))
    is_vip = django_filters.BooleanFilter(label=_("VIP"))

    class Meta:
        model = Customer
        fields = ["q", "phone", "area", "customer_type", "is_vip"]

    def filter_phone(self, queryset, name, value):
        digits = normalize_phone(value)
        if not digits:
            return queryset.none()
        return queryset.filter(pk__in=CustomerPhone.objects.filter(number__startswith=digits).values("customer_id"))

    def filter_text(self, queryset, name, value):
        ids = search.customer_ids(value, prefix=True)
        units = search.unit_ids(value)
        if units is not None:
            unit_customers = ProductUnit.objects.filter(id__in=units).order_by().values("customer_id")
            ids = unit_customers if ids is None else ids.union(unit_customers)
        return queryset.none() if ids is None else queryset.filter(pk__in=ids)


class ProductModelFilterSet(django_filters.FilterSet):
    product_line = django_filters.CharFilter(field_name="product_line__code", label=_("Product line"))
    code = django_filters.CharFilter(lookup_expr="istartswith", label=_("Code"))

    class Meta:
        model = ProductModel
        fields = ["product_line", "code"]


class ProductUnitFilterSet(django_filters.FilterSet):
    serial_number = django_filters.CharFilter(lookup_expr="istartswith", label=_("Serial number"))
    model = django_filters.CharFilter(field_name="model__code", label=_("Model"))
    customer = IdFilter(field_name="customer_id", label=_("Customer"))

    class Meta:
        model = ProductUnit
        fields = ["serial_number", "model", "customer"]
