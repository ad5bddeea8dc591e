from .complaints import complaint_detail, complaint_list, complaint_new, complaint_step, task_force  # noqa: F401
from .pages import (  # noqa: F401
    alert_acknowledge, alert_list, callback_queue, callback_ticket, dashboard, follow_up, follow_ups, qa_list,
    qa_results, qa_score, repeat_list, send_survey, settings_page,
)
from .survey import survey  # noqa: F401
