"""Domain errors raised by services; the API maps them to HTTP codes, pages to messages."""


class DomainError(Exception):
    """A rule refused the change. Nothing was written."""

    code = "refused"
    http_status = 409

    def __init__(self, message, *, code=None):
        super().__init__(message)
        if code:
            self.code = code


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"


class Conflict(DomainError):
    """Someone else changed the record first (e.g. two dispatchers assigning at once)."""

    code = "conflict"


class InvalidInput(DomainError):
    """Input a form/serializer could not know was wrong (depends on stored state)."""

    code = "invalid"
    http_status = 400


class InvalidFields(InvalidInput):
    """Refused with a message per field ({field: message}), like a form's errors."""

    def __init__(self, errors):
        super().__init__(" ".join(str(m) for m in errors.values()))
        self.errors = errors


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class DuplicateRecord(Conflict):
    """Refused because the record already exists; `extra` points at it (id, link) so a
    page can link to it and the API returns it next to the message."""

    def __init__(self, message, *, field=None, extra=None):
        super().__init__(message)
        self.errors = {field: message} if field else None
        self.extra = extra or {}


class PhoneOnFile(DuplicateRecord):
    """A new customer with a phone another customer already has (as the import refuses)."""

    code = "phone_on_file"


class OpenTicketExists(DuplicateRecord):
    """The unit already has an open ticket; creating another needs a reason."""

    code = "open_ticket_exists"
