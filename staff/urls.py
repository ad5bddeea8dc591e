from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_read, name="mark_read"),
    path("system/", views.system_status, name="system_status"),
]
