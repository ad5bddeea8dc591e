"""Router of the quality app's endpoints, included at /api/."""
from rest_framework.routers import DefaultRouter

from .views import CallbackViewSet, ComplaintViewSet, QaSampleViewSet, QualityAlertViewSet, SurveyViewSet

router = DefaultRouter()
router.register("callbacks", CallbackViewSet, basename="callback")
router.register("surveys", SurveyViewSet, basename="survey-link")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("quality-alerts", QualityAlertViewSet, basename="quality-alert")
router.register("qa-samples", QaSampleViewSet, basename="qa-sample")
urlpatterns = router.urls
