from django.urls import path

from . import api

urlpatterns = [
    path("reports/monthly", api.MonthlyReportView.as_view(), name="api-reports-monthly"),
    path("reports/volume", api.VolumeView.as_view(), name="api-reports-volume"),
    path("reports/success", api.SuccessView.as_view(), name="api-reports-success"),
    path("reports/doa", api.DoaView.as_view(), name="api-reports-doa"),
    path("reports/sla", api.SlaView.as_view(), name="api-reports-sla"),
    path("reports/engineers", api.EngineersView.as_view(), name="api-reports-engineers"),
    path("reports/parts", api.PartsView.as_view(), name="api-reports-parts"),
    path("reports/vendors", api.VendorsView.as_view(), name="api-reports-vendors"),
    path("reports/satisfaction", api.SatisfactionView.as_view(), name="api-reports-satisfaction"),
    path("reports/trend", api.TrendView.as_view(), name="api-reports-trend"),
]
