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
