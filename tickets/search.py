"""One search for the ticket list, the API and intake (SPEC §2, issue 12).

A term is tried as every kind of value it could be, and each kind goes to the index
made for it; the matches are combined with UNION in one statement, so no condition
ORs across tables (which no index can serve):

| kind | match | index |
|---|---|---|
| phone | exact normalised number (prefix while typing at intake) | `phone_number_pattern_idx` |
| ticket number | exact or prefix (upper case) | `ticket_number_pattern_idx` |
| legacy reference | exact or prefix, case-insensitive | `ticket_legacy_pattern_idx` |
| serial number | prefix, case-insensitive | `unit_serial_pattern_idx` |
| customer name | contains (3+ characters), starts with (2) | `customer_name_trgm_idx` (pg_trgm GIN) |

On SQLite the same queries run on plain indexes (or none): correct, not fast.
"""
import re

from django.db import connection
from django.db.models import Q

from .models import Customer, CustomerPhone, ProductUnit, Ticket
from .phones import normalize_phone

MIN_TERM = 2
MIN_PHONE_DIGITS = 7  # a whole number (landlines without area code have 7-8 digits)
MIN_PHONE_PREFIX = 3  # as typed at intake
MIN_SERIAL_PREFIX = 3
MIN_NAME_CONTAINS = 3  # a trigram; shorter names match from their start
_PHONE_LIKE = re.compile(r"[\d\s\-().+]+")
# "SR-2026-000123" and its prefixes down to "SR-2026"
_NUMBER = re.compile(r"SR-\d{4}(-\d{0,8})?")
_SPACES = re.compile(r"\s+")


def clean(term):
    return _SPACES.sub(" ", (term or "").strip())[:100]


def phone_digits(term):
    """The normalised digits when the term looks like a phone number, else ""."""
    if not _PHONE_LIKE.fullmatch(term):
        return ""
    return normalize_phone(term)


def _name_match(term):
    """Customers whose name matches `term` (None when the term can't be a name)."""
    if any(ch.isdigit() for ch in term) and not any(ch.isalpha() for ch in term):
        return None
    if len(term) >= MIN_NAME_CONTAINS:
        return Customer.objects.filter(name__icontains=term)
    if len(term) >= MIN_TERM:
        return Customer.objects.filter(name__istartswith=term)
    return None


def _ids(queryset, column, first):
    """`column` of the matching rows; with `first`, only that many (any of them: each
    branch stops early in its index, the caller orders what is left), where the
    database allows LIMIT inside a UNION."""
    queryset = queryset.order_by().values(column)
    if first is not None and connection.features.supports_slicing_ordering_in_compound:
        queryset = queryset[:first]
    return queryset


def customer_ids(term, *, prefix=False, first=None):
    """Ids of customers matching by phone or name, as one UNION (a values() queryset,
    not evaluated), or None when the term can match no customer. `prefix=True` matches
    phones by prefix (intake, as the agent types)."""
    term = clean(term)
    branches = []
    digits = phone_digits(term)
    if digits and len(digits) >= (MIN_PHONE_PREFIX if prefix else MIN_PHONE_DIGITS):
        phones = CustomerPhone.objects.filter(**{"number__startswith" if prefix else "number": digits})
        branches.append(_ids(phones, "customer_id", first))
    if not digits:
        names = _name_match(term)
        if names is not None:
            branches.append(_ids(names, "id", first))
    return _union(branches)


def unit_ids(term, *, first=None):
    term = clean(term)
    if len(term) < MIN_SERIAL_PREFIX or " " in term:
        return None
    return _ids(ProductUnit.objects.filter(serial_number__istartswith=term), "id", first)


def ticket_ids(term):
    """Ids of tickets matching `term` by number, legacy reference, the customer's phone
    or name, or the unit's serial — one UNION, or None when nothing can match."""
    term = clean(term)
    if len(term) < MIN_TERM:
        return None
    upper = term.upper()
    branches = []
    if _NUMBER.fullmatch(upper):
        branches.append(Ticket.objects.filter(number__startswith=upper).order_by().values("id"))
    if " " not in term and len(term) >= 4:
        branches.append(Ticket.objects.filter(legacy_ref__istartswith=term)
                        .order_by().values("id"))
    customers = customer_ids(term)
    if customers is not None:
        branches.append(Ticket.objects.filter(customer_id__in=customers).order_by().values("id"))
    units = unit_ids(term)
    if units is not None:
        branches.append(Ticket.objects.filter(unit_id__in=units).order_by().values("id"))
    return _union(branches)


def filter_tickets(queryset, term):
    """`queryset` narrowed to the tickets matching `term` (all of them for a blank term).
    A term shaped like a ticket number can only be a number or a legacy reference: both
    columns of the ticket table, so the planner may combine their indexes (BitmapOr) or
    walk the newest tickets for a prefix that many share."""
    term = clean(term)
    if not term:
        return queryset
    if _NUMBER.fullmatch(term.upper()):
        return queryset.filter(Q(number__startswith=term.upper()) | Q(legacy_ref__istartswith=term))
    ids = ticket_ids(term)
    return queryset.none() if ids is None else queryset.filter(pk__in=ids)


def search_customers(term, *, limit=10):
    """Intake, as the agent types: customers by phone prefix, name or unit serial prefix.
    Each kind stops after `limit` matches (the first digits of a phone match thousands);
    the agent narrows by typing on, and what is shown is ordered by name."""
    term = clean(term)
    if len(term) < MIN_TERM:
        return Customer.objects.none()
    branches = []
    customers = customer_ids(term, prefix=True, first=limit)
    if customers is not None:
        branches.append(customers)
    units = unit_ids(term, first=limit)
    if units is not None:
        branches.append(_ids(ProductUnit.objects.filter(id__in=units), "customer_id", limit))
    ids = _union(branches)
    if ids is None:
        return Customer.objects.none()
    return Customer.objects.filter(Q(pk__in=ids)).order_by("name", "id")[:limit]


def _union(branches):
    if not branches:
        return None
    first, *rest = branches
    return first.union(*rest) if rest else first
