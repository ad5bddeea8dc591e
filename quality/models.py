"""Models of this department arrive with their issues (see README)."""
from .models_reports import ReportDay, RollupState, Shipment  # noqa: E402,F401  (issue 11: reports)
