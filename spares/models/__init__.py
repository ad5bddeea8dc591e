"""The spare-parts department (SPEC §6–§7): catalogue, warehouses, the stock ledger,
reservations, vendor repairs (RMA) with their milestones, and out-of-warranty quotes."""
from .catalog import Part, PartCategory, Vendor, Warehouse, WarehouseKind  # noqa: F401
from .quotes import Quote, QuoteLine, QuoteLineKind, QuoteStatus  # noqa: F401
from .rma import MilestoneKind, Rma, RmaMilestone, RmaReminder, RmaStatus  # noqa: F401
from .stock import (  # noqa: F401
    Condition, DefectiveReturn, MoveKind, Reservation, ReservationStatus, StockBalance, StockMove,
)
