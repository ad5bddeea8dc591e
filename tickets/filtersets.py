"""FilterSets shared by the list pages and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import choices, selectors
from .models import Customer, CustomerPhone, ProductModel, ProductUnit, Ticket
from .phones import normalize_phone


MAX_ID = 2**63 - 1  # larger ids overflow the database integer: match nothing instead of failing


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=choices.Status.choices, label=_("Status"))
    priority = django_filters.MultipleChoiceFilter(choices=choices.Priority.choices, label=_("Priority"))
    category = django_filters.MultipleChoiceFilter(choices=choices.Category.choices, label=_("Category"))
    service_type = django_filters.MultipleChoiceFilter(choices=choices.ServiceType.choices, label=_("Service type"))
    assignee = django_filters.ModelChoiceFilter(queryset=selectors.engineers, label=_("Assignee"))
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull", label=_("Unassigned"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Created from"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Created to"))
    customer = django_filters.NumberFilter(field_name="customer_id", min_value=1, max_value=MAX_ID,
                                           label=_("Customer"))
    is_doa = django_filters.BooleanFilter(label=_("DOA"))
    breached = django_filters.BooleanFilter(field_name="sla_breached", label=_("SLA breached"))
    warned = django_filters.BooleanFilter(field_name="sla_warned", label=_("SLA warned"))

    class Meta:
        model = Ticket
        fields = ["q", "status", "priority", "category", "service_type", "assignee", "unassigned",
                  "created_after", "created_before", "customer", "is_doa", "breached", "warned"]

    def filter_text(self, queryset, name, value):
        """Ticket number (or its number in the legacy system), customer name or phone,
        unit serial: each an indexed lookup."""
        value = value.strip()
        if not value:
            return queryset
        match = Q(number__iexact=value) | Q(number__istartswith=value) | Q(customer__name__icontains=value)
        match |= Q(unit__serial_number__istartswith=value) | Q(legacy_ref=value)
        digits = selectors.phone_prefix(value)
        if len(digits) >= 5:
            match |= Q(customer_id__in=CustomerPhone.objects.filter(number__startswith=digits).values("customer_id"))
        return queryset.filter(match)


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
        from .selectors import search_customers

        ids = [c.pk for c in search_customers(value, limit=200)]
        return queryset.filter(pk__in=ids)


class ProductModelFilterSet(django_filters.FilterSet):
    product_line = django_filters.CharFilter(field_name="product_line__code", label=_("Product line"))
    code = django_filters.CharFilter(lookup_expr="istartswith", label=_("Code"))

    class Meta:
        model = ProductModel
        fields = ["product_line", "code"]


class ProductUnitFilterSet(django_filters.FilterSet):
    serial_number = django_filters.CharFilter(lookup_expr="istartswith", label=_("Serial number"))
    model = django_filters.CharFilter(field_name="model__code", label=_("Model"))
    customer = django_filters.NumberFilter(field_name="customer_id", min_value=1, max_value=MAX_ID,
                                           label=_("Customer"))

    class Meta:
        model = ProductUnit
        fields = ["serial_number", "model", "customer"]
