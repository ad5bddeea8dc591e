"""Customer list (search by name, phone, serial) and a customer's units and tickets."""
from django.shortcuts import get_object_or_404, render

from .. import selectors
from ..filtersets import CustomerFilterSet
from .common import keyset_page, page_url, parse_id, permission_page


@permission_page("tickets.view_customer")
def customer_list(request):
    customers = selectors.visible_customers(request.user).prefetch_related("phones")
    filterset = CustomerFilterSet(request.GET or None, queryset=customers)
    rows, older = keyset_page(filterset.qs, parse_id(request.GET.get("before")))
    return render(request, "tickets/customer_list.html", {
        "filterset": filterset, "customers": rows,
        "older_url": page_url(request, before=older) if older else None,
        "newest_url": page_url(request, before=None) if request.GET.get("before") else None,
    })


@permission_page("tickets.view_customer")
def customer_detail(request, pk):
    customer = get_object_or_404(selectors.visible_customers(request.user).prefetch_related("phones"), pk=pk)
    tickets = selectors.ticket_list(request.user).filter(customer=customer)[:50]
    return render(request, "tickets/customer_detail.html", {
        "customer": customer, "units": selectors.customer_units(customer), "tickets": tickets,
        "can_log_call": request.user.has_perm("tickets.add_ticket"),
    })
