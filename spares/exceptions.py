"""Refusals of the spare-parts services; the API maps them like every DomainError."""
from tickets.exceptions import DomainError


class OutOfStock(DomainError):
    """Not enough (unreserved) stock for the move."""

    code = "out_of_stock"
