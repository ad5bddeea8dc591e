from django.urls import path

from . import views

app_name = "spares"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("moves/", views.move_list, name="moves"),
    path("moves/new/<str:kind>/", views.move_form, name="move_form"),
    path("rma/", views.rma_list, name="rma_list"),
    path("rma/new/", views.rma_create, name="rma_create"),
    path("rma/<int:pk>/", views.rma_detail, name="rma_detail"),
    path("rma/<int:pk>/<str:action>/", views.rma_action, name="rma_action"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("lists/", views.part_lists, name="lists"),
    path("forecast/", views.forecast, name="forecast"),
    path("tickets/<str:number>/quotes/", views.ticket_quotes, name="ticket_quotes"),
    path("tickets/<str:number>/quotes/waive/", views.quote_waiver, name="quote_waiver"),
    path("tickets/<str:number>/reserve/", views.reserve, name="reserve"),
    path("tickets/<str:number>/defective-received/", views.defective_received, name="defective_received"),
    path("quotes/<int:pk>/<str:decision>/", views.quote_decision, name="quote_decision"),
    path("options/parts/", views.options, {"source": "parts"}, name="options_parts"),
    path("options/places/", views.options, {"source": "places"}, name="options_places"),
]
