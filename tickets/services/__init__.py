"""Writes: intake and the ticket lifecycle of SPEC §3.

Every transition is one function that runs in a transaction, locks the ticket row,
checks ALLOWED_TRANSITIONS and the caller's permission, and writes a TicketEvent.
Pages and the API call these same functions, so each rule lives here once.
"""
from ..exceptions import (  # noqa: F401  (callers catch these as services.X)
    Conflict, DomainError, InvalidFields, InvalidInput, PermissionDenied, TransitionNotAllowed,
)
from .base import event_fields, log_event, require_perm
from .closing import (
    add_note, auto_close_unreachable, cancel, change_priority, close, paid_repair_committed, receive_defective_part,
    reopen,
)
from .intake import (
    create_customer, create_ticket, create_unit, next_ticket_number, resolve_at_intake, update_customer, update_unit,
)
from .work import (
    ReportIncomplete, arrive, assign_ticket, complete, hold, reassign_ticket, resume, send_to_vendor, start_work,
    unit_back_from_vendor,
)

__all__ = [
    "add_note", "arrive", "assign_ticket", "auto_close_unreachable", "cancel", "change_priority", "close", "complete",
    "create_customer", "create_ticket", "create_unit", "event_fields", "hold", "log_event", "next_ticket_number",
    "paid_repair_committed", "reassign_ticket", "receive_defective_part", "reopen", "ReportIncomplete",
    "require_perm", "resolve_at_intake", "resume", "send_to_vendor", "start_work", "unit_back_from_vendor",
    "update_customer", "update_unit",
]
