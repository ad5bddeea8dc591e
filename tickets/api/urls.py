"""Router of the tickets app's endpoints, included at /api/."""
from rest_framework.routers import DefaultRouter

from .escalation_views import EscalationViewSet
from .ticket_views import TicketViewSet
from .views import CustomerViewSet, ProductModelViewSet, UnitViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("product-models", ProductModelViewSet, basename="productmodel")
router.register("units", UnitViewSet, basename="unit")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("escalations", EscalationViewSet, basename="escalation")
urlpatterns = router.urls
