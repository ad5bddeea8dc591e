from django.contrib import admin
from django.contrib.auth import views as auth_views
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from quality.views import survey
from aftersales import health
from staff import views as staff_views

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("login/", staff_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("tickets/", include("tickets.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("reports/", include("quality.reports.urls")),
    path("quality/", include("quality.urls")),
    # Public, no login: a customer's single-use satisfaction survey (quality.views.survey).
    path("survey/<str:number>/<str:token>/", survey, name="survey"),
    path("spares/", include("spares.urls")),
    path("api/", include("aftersales.api_urls")),
    # Operators: liveness, and database + broker + sweep age (health/README in aftersales/health.py).
    path("health/live/", health.live, name="health-live"),
    path("health/", health.HealthView.as_view(), name="health"),
    # The schema and its docs describe every endpoint: staff only (token or session).
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    # The split view serves its script as a file, so script-src stays 'self'; Swagger UI
    # injects <style> elements, so this one page allows inline styles (never scripts).
    path("api/docs/", login_required(csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(
        url_name="schema", permission_classes=[IsAuthenticated]))), name="api-docs"),
]
# Uploads (proofs of purchase, depot photos, signatures) are personal data: they are
# served only by views that check who may see the ticket, never from MEDIA_URL.

handler400 = "staff.views.bad_request"
handler404 = "staff.views.not_found"
