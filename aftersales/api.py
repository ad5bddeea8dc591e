"""Project-wide REST plumbing: pagination and the domain-error → HTTP mapping."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler, set_rollback

from tickets.exceptions import DomainError


class StableCursorPagination(CursorPagination):
    """Cursor pagination on the primary key: stable while rows are being inserted."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """Strict: empty means the default; anything but a whole number from 1 to
        max_page_size is a 400 (DRF would silently fall back to the default)."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [
                _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, except that a yes/no filter takes only `true` or `false` (or empty
    for "any"): django-filter reads any other value as "any" and answers everything; and
    an empty parameter is no filter, whatever its kind."""

    ACCEPTED = {"", "true", "false", "True", "False"}

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        for name, field in (filterset_class.base_filters.items() if filterset_class else ()):
            if isinstance(field, django_filters.BooleanFilter):
                if any(value not in self.ACCEPTED for value in request.query_params.getlist(name)):
                    raise ValidationError({name: [_("Enter true or false.")]})
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        """An empty parameter (`?status=`) means "not filtered", as the schema says
        (allowEmptyValue), for every kind of filter alike."""
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"].copy()
        for name in [name for name, values in data.lists() if all(value == "" for value in values)]:
            del data[name]
        kwargs["data"] = data
        return kwargs


def exception_handler(exc, context):
    """Domain refusals become their HTTP status (403 / 409 / 400) with a message and a
    code; model validation becomes 400 with messages per field, like serializer errors."""
    if isinstance(exc, DomainError):
        return _refusal(exc)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_django_messages(exc))
    if isinstance(exc, IntegrityError):
        set_rollback()
        return Response(
            {"detail": _("The change conflicts with existing data."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def _refusal(exc):
    """`{"detail", "code"}`; a refusal that names fields (e.g. an incomplete service
    report) also lists them as `{field: [message]}`, the shape of serializer errors."""
    set_rollback()
    body = {"detail": str(exc), "code": exc.code}
    field_errors = getattr(exc, "errors", None)
    if isinstance(field_errors, dict):
        body.update({field: [str(message)] for field, message in field_errors.items()})
    body.update(getattr(exc, "extra", None) or {})  # e.g. the existing record a duplicate points at
    return Response(body, status=exc.http_status)


def _django_messages(exc):
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}
