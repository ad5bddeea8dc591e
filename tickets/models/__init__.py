from .core import (  # noqa: F401
    Customer, CustomerPhone, FaultCode, ProductLine, ProductModel, ProductUnit, ServiceReport, Ticket, TicketEvent,
    TicketEventQuerySet, TicketSequence,
)
from .sla import (  # noqa: F401
    LEVEL_ORDER, BusinessCalendar, CalendarDay, ClockKind, ClockOutcome, Escalation, EscalationLevel, SlaClock,
    SlaPolicy, Weekday, WorkingHours,
)
from .heartbeat import SweepRun  # noqa: F401,E402
