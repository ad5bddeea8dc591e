"""Server-rendered pages of the tickets app. Thin: forms validate, services write,
selectors read. Names here are the ones tickets/urls.py routes to."""
from .actions import ACTIONS, available_actions, proof_of_purchase, signature, ticket_action, ticket_detail  # noqa: F401
from .escalations import acknowledge, acknowledge_ticket, escalation_list  # noqa: F401
from .customers import customer_detail, customer_list  # noqa: F401
from .intake import intake, intake_search, warranty_preview  # noqa: F401
from .lists import engineer_options, my_jobs, ticket_list  # noqa: F401
