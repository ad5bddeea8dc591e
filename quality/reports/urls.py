from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="index"),
    path("tickets/", views.drill_down, name="drill_down"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("shipments/", views.shipments, name="shipments"),
]
