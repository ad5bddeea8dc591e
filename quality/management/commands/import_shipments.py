"""python manage.py import_shipments FILE.csv --user LOGIN: units shipped per model per
month (columns model, month YYYY-MM, units), the denominator of the DOA rate."""
from quality.reports.shipments import SHIPMENT_COLUMNS, import_shipments
from tickets.management.importing import ImportCommand


class Command(ImportCommand):
    help = f"Import monthly shipments per product model from CSV. Columns: {', '.join(SHIPMENT_COLUMNS)}."
    importer = staticmethod(import_shipments)
