"""Router of the dispatch app's endpoints, included at /api/."""
from rest_framework.routers import DefaultRouter

from .views import DepotViewSet, EngineerViewSet, FieldJobViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("engineers", EngineerViewSet, basename="engineer")
router.register("depot", DepotViewSet, basename="depot")
router.register("field-jobs", FieldJobViewSet, basename="field-job")
urlpatterns = router.urls
