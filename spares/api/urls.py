from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("parts", views.PartViewSet, basename="part")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("stock", views.StockViewSet, basename="stock")
router.register("stock-moves", views.StockMoveViewSet, basename="stock-move")
router.register("reservations", views.ReservationViewSet, basename="reservation")
router.register("vendors", views.VendorViewSet, basename="vendor")
router.register("rma", views.RmaViewSet, basename="rma")
router.register("quotes", views.QuoteViewSet, basename="quote")

urlpatterns = router.urls
