from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.intake, name="intake"),
    path("new/search/", views.intake_search, name="intake_search"),
    path("new/warranty/", views.warranty_preview, name="warranty_preview"),
    path("mine/", views.my_jobs, name="my_jobs"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge_escalation"),
    path("escalations/ticket/<str:number>/acknowledge/", views.acknowledge_ticket,
         name="acknowledge_ticket_escalations"),
    path("options/engineers/", views.engineer_options, name="engineer_options"),
    path("<str:number>/", views.ticket_detail, name="ticket_detail"),
    path("<str:number>/signature.png", views.signature, name="signature"),
    path("<str:number>/proof-of-purchase/", views.proof_of_purchase, name="proof_of_purchase"),
    path("<str:number>/<str:action>/", views.ticket_action, name="ticket_action"),
]
