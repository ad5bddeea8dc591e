"""All REST endpoints under /api/; each department app contributes its router."""
from django.urls import include, path
from staff.api import ThrottledObtainAuthToken

urlpatterns = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("", include("tickets.api.urls")),
    path("", include("dispatch.api.urls")),
    path("", include("quality.reports.api_urls")),
    path("", include("quality.api.urls")),
    path("", include("spares.api.urls")),
]
