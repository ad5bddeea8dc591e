"""Writes of the quality department (SPEC §8). Pages, the API and tasks call these."""
from .alerts import acknowledge_alert, check_batch_failure, update_settings  # noqa: F401
from .callbacks import follow_up, record_callback  # noqa: F401
from .complaints import (  # noqa: F401
    close_complaint, create_complaint, record_acceptance, record_investigation, record_remedy, record_reply,
    set_owner,
)
from .qa import draw_sample, score_sample  # noqa: F401
from .surveys import issue_survey_link, submit_survey  # noqa: F401
