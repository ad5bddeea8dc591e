"""How the spare-parts department takes part in the ticket lifecycle, through
tickets.signals (the tickets app does not know this app):

- out-of-warranty work cannot start without an accepted (or waived) quote;
- a unit with an RMA at the vendor comes back through the RMA (record_rma_return);
- a DOA unit at a vendor keeps its ticket from being cancelled or closed until the unit
  is back or a supervisor wrote it off;
- a ticket that closes or is cancelled gives back the parts it still holds;
- the cached vendor choices (the ticket page's send-to-vendor form) are dropped when a
  vendor changes.
"""
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from tickets.choices import WarrantyStatus
from tickets.exceptions import TransitionNotAllowed
from tickets.models import Ticket
from tickets.signals import after_transition, before_transition

from . import selectors
from .models import Vendor


@receiver(before_transition, sender=Ticket, dispatch_uid="spares.before_transition")
def check_spares_rules(sender, ticket, action, **kwargs):
    if action == "start" and ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY \
            and not selectors.has_accepted_quote(ticket):
        raise TransitionNotAllowed(_("%(number)s is out of warranty: work starts once the customer accepted a "
                                     "quote (or a supervisor waived it).") % {"number": ticket.number})
    if action == "unit_back" and selectors.shipped_rma(ticket):
        raise TransitionNotAllowed(_("%(number)s has an RMA at the vendor: record the return on the RMA page.") % {
            "number": ticket.number})
    if action in ("cancel", "close") and selectors.open_doa_rma(ticket):
        raise TransitionNotAllowed(_("%(number)s is a DOA unit still at the vendor: it must come back, or a "
                                     "supervisor must write it off first.") % {"number": ticket.number})


@receiver([post_save, post_delete], sender=Vendor, dispatch_uid="spares.vendor_choices")
def forget_vendor_choices(sender, **kwargs):
    from .forms import VENDOR_CHOICES_KEY

    cache.delete(VENDOR_CHOICES_KEY)


@receiver(after_transition, sender=Ticket, dispatch_uid="spares.after_transition")
def release_parts_of_finished_ticket(sender, ticket, action, now, **kwargs):
    if action in ("close", "cancel", "resolve_at_intake"):
        from .services import release_ticket_reservations

        release_ticket_reservations(ticket, now=now)
