"""Choice values are the lower-case words of SPEC.md; ALLOWED_TRANSITIONS is the state
machine of SPEC §3, enforced inside tickets.services (never only in templates)."""
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
    REMOTE = "remote", pgettext_lazy("area", "Remote")


class CustomerType(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    BUSINESS = "business", _("Business")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web")
    WALK_IN = "walk_in", _("Walk-in")
    FIELD = "field", _("Field")


class Category(models.TextChoices):
    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation")
    INQUIRY = "inquiry", _("Inquiry")
    PARTS = "parts", _("Parts")
    COMPLAINT = "complaint", _("Complaint")


class ServiceType(models.TextChoices):
    ONSITE = "onsite", _("Onsite")
    CARRY_IN = "carry_in", _("Carry-in")
    MAIL_IN = "mail_in", _("Mail-in")
    REMOTE = "remote", pgettext_lazy("service type", "Remote")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class FaultKind(models.TextChoices):
    SOFTWARE = "software", _("Software")
    HARDWARE = "hardware", _("Hardware")


class WarrantyStatus(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("In warranty")
    OUT_OF_WARRANTY = "out_of_warranty", _("Out of warranty")
    UNVERIFIED = "unverified", _("Unverified")


class Status(models.TextChoices):
    NEW = "new", _("New")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    AT_VENDOR = "at_vendor", _("At vendor")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD, Status.AT_VENDOR)


class HoldReason(models.TextChoices):
    AWAITING_PARTS = "awaiting_parts", _("Awaiting parts")
    CUSTOMER_REASON = "customer_reason", _("Customer reason")
    HOLIDAY = "holiday", _("Holiday")


class Outcome(models.TextChoices):
    REPAIRED = "repaired", _("Repaired")
    REPLACED = "replaced", _("Replaced")
    UNREPAIRABLE = "unrepairable", _("Unrepairable")
    NO_FAULT_FOUND = "no_fault_found", _("No fault found")
    ANSWERED = "answered", _("Answered")


# How a repair can end: `answered` is an inquiry's (resolve action), never a completion's.
REPAIR_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.ANSWERED]


class CloseReason(models.TextChoices):
    CALLBACK_DONE = "callback_done", _("Satisfaction callback done")
    CUSTOMER_UNREACHABLE = "customer_unreachable", _("Customer could not be reached")
    RESOLVED_AT_INTAKE = "resolved_at_intake", _("Resolved at intake")


# The close action's reasons: resolved_at_intake belongs to the resolve action.
CLOSE_ACTION_REASONS = [(value, label) for value, label in CloseReason.choices
                        if value != CloseReason.RESOLVED_AT_INTAKE]


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS_CHANGE = "status_change", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    NOTE = "note", _("Note")
    CALL = "call", pgettext_lazy("timeline event", "Call")
    PART_USED = "part_used", _("Part used")
    SLA_WARNING = "sla_warning", _("SLA warning")
    ESCALATION = "escalation", _("Escalation")
    CALLBACK = "callback", _("Callback")
    UPDATE = "update", _("Update")


# Which action moves a ticket from which states to which state. Services look up the
# action here; nothing else decides whether a transition is legal.
ALLOWED_TRANSITIONS = {
    "assign": ({Status.NEW, Status.DISPATCHED}, Status.DISPATCHED),
    "arrive": ({Status.DISPATCHED}, Status.IN_PROGRESS),
    "start": ({Status.DISPATCHED, Status.IN_PROGRESS}, Status.IN_PROGRESS),
    "hold": ({Status.DISPATCHED, Status.IN_PROGRESS}, Status.ON_HOLD),
    "resume": ({Status.ON_HOLD}, None),  # back to where it was held from
    "send_to_vendor": ({Status.IN_PROGRESS}, Status.AT_VENDOR),
    "unit_back": ({Status.AT_VENDOR}, Status.IN_PROGRESS),
    "complete": ({Status.IN_PROGRESS}, Status.COMPLETED),
    "close": ({Status.COMPLETED}, Status.CLOSED),
    "resolve_at_intake": ({Status.NEW}, Status.CLOSED),
    "cancel": (set(OPEN_STATUSES), Status.CANCELLED),
    "reopen": ({Status.COMPLETED, Status.CLOSED}, Status.NEW),
}
