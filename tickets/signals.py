"""Lifecycle signals, so other departments react to ticket transitions without the
tickets app knowing them (dispatch moves engineer status, checks depot tests).

before_transition: sent inside the transaction before the status changes; a receiver
may raise a DomainError to refuse the transition. after_transition: sent after the
event is written, still inside the transaction."""
from django.dispatch import Signal

before_transition = Signal()  # sender=Ticket, ticket, action, by, now, data
after_transition = Signal()  # sender=Ticket, ticket, action, by, now, previous_status
