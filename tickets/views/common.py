"""Helpers shared by the page views: access checks, keyset pagination, error mapping."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..exceptions import PermissionDenied as DomainPermissionDenied

PAGE_SIZE = 50


def permission_page(perm):
    """Anonymous → login redirect; signed in without `perm` → 403."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator


def parse_id(value):
    """An id from a query or form value: empty is None; anything but ASCII digits (e.g.
    "²", which str.isdigit() accepts) is a 400 with a message."""
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdecimal()) or len(value) > 18:
        raise BadRequest(_("“%(value)s” is not a valid id.") % {"value": value[:40]})
    return int(value)


def keyset_page(queryset, before, size=PAGE_SIZE):
    """Newest first, `size` rows with id < before; fetch one extra row to know whether
    an older page exists (no COUNT(*) over a table of a million tickets)."""
    if before:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-pk")[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], older


def page_url(request, **params):
    query = request.GET.copy()
    for key, value in params.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return "?" + query.urlencode()


def add_errors(form, error, *, field=None):
    """Put a service refusal next to the field it concerns (or on the form)."""
    if isinstance(error, DomainPermissionDenied):
        raise PermissionDenied(str(error)) from error
    per_field = getattr(error, "errors", None)
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        per_field = error.message_dict
    if isinstance(per_field, dict):
        for name, messages in per_field.items():
            form.add_error(name if name in form.fields else field, messages)
        return
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    form.add_error(field, messages)
