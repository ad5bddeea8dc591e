from .core import (  # noqa: F401
    Customer, CustomerPhone, FaultCode, ProductLine, ProductModel, ProductUnit, ServiceReport, Ticket, TicketEvent,
    TicketEventQuerySet, TicketSequence,
)
from .sla import (  # noqa: F401
    LEVEL_ORDER, BusinessCalendar, CalendarDay, ClockKind, ClockOutcome, Escalation, EscalationLevel, SlaClock,
    SlaPolicy, Weekday, WorkingHours,
)
from .completions import Completion  # noqa: F401,E402
from .heartbeat import SweepRun  # noqa: F401,E402
