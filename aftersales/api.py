"""Project-wide REST plumbing: pagination and the domain-error → HTTP mapping."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
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
