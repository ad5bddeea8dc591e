"""Catalogues of the spare-parts desk in the admin: parts, warehouses (vans), vendors.
Stock, moves and RMAs are read-only here: they change only through the services."""
from django.contrib import admin

from .models import Part, Rma, StockBalance, StockMove, Vendor, Warehouse


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["part_number", "name", "category", "unit_cost", "reorder_point", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["part_number", "name"]
    filter_horizontal = ["compatible_models"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "engineer", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["engineer"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contact_name", "phone", "email"]
    search_fields = ["code", "name"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(_ReadOnly):
    list_display = ["part", "warehouse", "condition", "quantity", "reserved"]
    list_select_related = ["part", "warehouse"]


@admin.register(StockMove)
class StockMoveAdmin(_ReadOnly):
    list_display = ["at", "kind", "part", "quantity", "from_warehouse", "to_warehouse", "ticket"]
    list_select_related = ["part", "from_warehouse", "to_warehouse", "ticket"]
    list_filter = ["kind"]


@admin.register(Rma)
class RmaAdmin(_ReadOnly):
    list_display = ["__str__", "ticket", "vendor", "status", "shipped_at", "top_priority"]
    list_select_related = ["ticket", "vendor"]
    list_filter = ["status", "top_priority"]
