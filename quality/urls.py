from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("callbacks/", views.callback_queue, name="callbacks"),
    path("callbacks/<str:number>/", views.callback_ticket, name="callback_ticket"),
    path("callbacks/<str:number>/survey/", views.send_survey, name="send_survey"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/<str:step>/", views.complaint_step, name="complaint_step"),
    path("task-force/", views.task_force, name="task_force"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("repeats/", views.repeat_list, name="repeats"),
    path("qa/", views.qa_list, name="qa_list"),
    path("qa/results/", views.qa_results, name="qa_results"),
    path("qa/<int:pk>/", views.qa_score, name="qa_score"),
    path("settings/", views.settings_page, name="settings"),
]
