"""Writes of the spare-parts department. Every stock change goes through
spares.services.ledger.apply_move, which locks the balances it touches."""
from .ledger import apply_move, receive_stock, scrap_stock, stocktake, transfer_stock  # noqa: F401
from .quotes import accept_quote, create_quote, decline_quote, waive_quote  # noqa: F401
from .reservations import release_reservation, release_ticket_reservations, reserve_part  # noqa: F401
from .rma import (  # noqa: F401
    complete_milestone, create_rma, record_rma_return, record_vendor_refusal, send_to_vendor, ship_rma, unit_back,
    write_off_rma,
)
from .ticket_parts import (  # noqa: F401
    complete_with_parts, issue_parts_for_ticket, receive_defective_parts, return_unused_part,
)
