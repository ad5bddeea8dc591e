"""python manage.py import_tickets FILE.csv --user LOGIN: tickets from the previous system,
open ones as new, finished ones as closed or cancelled history. Columns: see
tickets.imports.TICKET_COLUMNS."""
from tickets.imports import TICKET_COLUMNS, import_tickets
from tickets.management.importing import ImportCommand


class Command(ImportCommand):
    help = ("Import tickets from CSV (customers and units must exist: import_customers first). "
            f"Columns: {', '.join(TICKET_COLUMNS)}.")
    importer = staticmethod(import_tickets)
