"""Out-of-warranty quotes: made by the spare-parts desk, accepted or declined for the
customer (name, time, drawn signature or typed consent), or waived by a supervisor."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.choices import EventKind
from tickets.exceptions import InvalidFields, InvalidInput, TransitionNotAllowed
from tickets.models import Ticket
from tickets.services import log_event, require_perm
from tickets.uploads import validate_upload

from ..models import Quote, QuoteLine, QuoteLineKind, QuoteStatus

MAX_LINES = 30


@transaction.atomic
def create_quote(ticket, *, lines, by, now):
    """lines: dicts with kind, description, part (optional), quantity, unit_price."""
    require_perm(by, "spares.add_quote")
    if not ticket.is_open:
        raise TransitionNotAllowed(_("Quotes are made for open tickets only."))
    if not lines or len(lines) > MAX_LINES:
        raise InvalidInput(_("A quote has between 1 and %(max)s lines.") % {"max": MAX_LINES})
    if ticket.quotes.filter(status__in=(QuoteStatus.ACCEPTED, QuoteStatus.WAIVED)).exists():
        raise TransitionNotAllowed(_("This ticket already has an accepted quote."))
    for line in lines:
        if line.get("kind") not in QuoteLineKind.values or line.get("unit_price") is None \
                or line["unit_price"] < 0 or int(line.get("quantity", 1)) < 1:
            raise InvalidInput(_("Each line needs a kind, a quantity of at least 1 and a price of 0 or more."))
    quote = Quote.objects.create(ticket=ticket, created_by=by, created_at=now)
    QuoteLine.objects.bulk_create(QuoteLine(quote=quote, **line) for line in lines)
    log_event(ticket, kind=EventKind.UPDATE, by=by, now=now,
              data={"quote": quote.pk}, text="quote_created", params={"id": quote.pk, "total": str(quote.total)})
    return quote


def _pending(quote):
    quote = Quote.objects.select_for_update().select_related("ticket").get(pk=quote.pk)
    if quote.status != QuoteStatus.PENDING:
        raise TransitionNotAllowed(_("This quote was already %(status)s.") % {"status": quote.get_status_display()})
    return quote


@transaction.atomic
def accept_quote(quote, *, customer_name, by, now, typed_consent="", signature=None):
    require_perm(by, "spares.record_quote_decision")
    errors = {}
    if not customer_name.strip():
        errors["customer_name"] = _("Who accepted for the customer?")
    if not typed_consent.strip() and signature is None:
        errors["typed_consent"] = _("Record the customer's typed consent or drawn signature.")
    if signature is not None:
        try:
            validate_upload(signature)
        except ValidationError as invalid:
            errors["signature"] = " ".join(invalid.messages)
    if errors:
        raise InvalidFields(errors)
    quote = _pending(quote)
    quote.status, quote.decided_at, quote.decided_by = QuoteStatus.ACCEPTED, now, by
    quote.customer_name, quote.typed_consent = customer_name.strip(), typed_consent.strip()
    quote.save()
    if signature is not None:
        quote.signature.save(f"quote-{quote.pk}.png", signature)
    Ticket.objects.filter(pk=quote.ticket_id).update(quote_accepted_at=now)
    log_event(quote.ticket, kind=EventKind.UPDATE, by=by, now=now,
              data={"quote": quote.pk, "accepted": True}, text="quote_accepted",
              params={"id": quote.pk, "name": quote.customer_name, "total": str(quote.total)})
    return quote


@transaction.atomic
def decline_quote(quote, *, by, now, reason=""):
    require_perm(by, "spares.record_quote_decision")
    quote = _pending(quote)
    quote.status, quote.decided_at, quote.decided_by = QuoteStatus.DECLINED, now, by
    quote.decline_reason = reason.strip()
    quote.save()
    log_event(quote.ticket, kind=EventKind.UPDATE, by=by, now=now,
              message=quote.decline_reason, data={"quote": quote.pk, "accepted": False}, text="quote_declined",
              params={"id": quote.pk, "amount": str(quote.charged_if_unrepairable)})
    return quote


@transaction.atomic
def waive_quote(ticket, *, reason, by, now):
    """A supervisor lets out-of-warranty work start without an accepted quote."""
    require_perm(by, "spares.waive_quote")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for starting without a quote."))
    if ticket.quotes.filter(status__in=(QuoteStatus.ACCEPTED, QuoteStatus.WAIVED)).exists():
        raise TransitionNotAllowed(_("This ticket already has an accepted or waived quote."))
    quote = Quote.objects.create(ticket=ticket, status=QuoteStatus.WAIVED, created_by=by, created_at=now,
                                 decided_at=now, decided_by=by, waiver_reason=reason.strip())
    log_event(ticket, kind=EventKind.NOTE, by=by, now=now,
              message=quote.waiver_reason, data={"quote": quote.pk}, text="quote_waived")
    return quote
