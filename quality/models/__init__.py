"""Quality department records (SPEC §8). Scores, severities, responsibilities and
counts are plain columns so that reports count them in SQL, never from free text."""
from .alerts import BatchWatch, QualityAlert, QualitySettings  # noqa: F401
from .callbacks import Callback, SurveyLink  # noqa: F401
from .complaints import Complaint, ComplaintEscalation, TaskForceMember  # noqa: F401
from .qa import QaSample  # noqa: F401
from .reports import ReportDay, RollupState, Shipment  # noqa: F401  (manager reports)
