from django.urls import path

from . import views, views_depot, views_engineers

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("body/", views.board_body, name="board_body"),
    path("assign/", views.assign, name="assign"),
    path("reassign/", views.reassign, name="reassign"),
    path("pick/", views.picker, name="picker"),
    path("lane/<int:engineer_id>/", views.lane, name="lane"),
    path("status/", views.set_status, name="set_status"),
    path("engineers/", views_engineers.engineer_list, name="engineers"),
    path("engineers/<int:pk>/", views_engineers.engineer_edit, name="engineer_edit"),
    path("field-job/", views_depot.field_job, name="field_job"),
    path("depot/<str:number>/", views_depot.depot, name="depot"),
    path("depot/<str:number>/photos/<int:pk>/", views_depot.depot_photo, name="depot_photo"),
    path("depot/<str:number>/<str:step>/", views_depot.depot_step, name="depot_step"),
]
