"""python manage.py import_customers FILE.csv --user LOGIN: customers and their units from
the previous system. Columns: see tickets.imports.CUSTOMER_COLUMNS (name and phones required)."""
from tickets.imports import CUSTOMER_COLUMNS, import_customers
from tickets.management.importing import ImportCommand


class Command(ImportCommand):
    help = ("Import customers and their units from CSV. Rows sharing a phone number are one customer. "
            f"Columns: {', '.join(CUSTOMER_COLUMNS)}.")
    importer = staticmethod(import_customers)
