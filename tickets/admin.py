from django.contrib import admin

from .models import (
    Customer, CustomerPhone, FaultCode, ProductLine, ProductModel, ProductUnit, ServiceReport, Ticket, TicketEvent,
)


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_line", "warranty_months", "doa_days")
    list_filter = ("product_line",)
    search_fields = ("code", "name")


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "kind", "product_line")
    list_filter = ("kind", "product_line")
    search_fields = ("code", "description")


class CustomerPhoneInline(admin.TabularInline):
    model = CustomerPhone
    fields = ("raw", "label")
    extra = 1


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "customer_type", "is_vip")
    list_filter = ("area", "customer_type", "is_vip")
    search_fields = ("name", "phones__number", "email")
    inlines = [CustomerPhoneInline]


@admin.register(ProductUnit)
class ProductUnitAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "model", "customer", "purchase_date", "proof_verified")
    list_select_related = ("model", "customer")
    search_fields = ("serial_number",)
    raw_id_fields = ("customer",)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("at", "kind", "actor", "from_status", "to_status", "message", "on_behalf_of")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only here: ticket changes go through the lifecycle services (pages, API)."""

    list_display = ("number", "customer", "status", "priority", "category", "service_type", "assignee", "created_at")
    list_filter = ("status", "priority", "category", "service_type")
    list_select_related = ("customer", "assignee")
    search_fields = ("number",)
    inlines = [TicketEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceReport)
class ServiceReportAdmin(admin.ModelAdmin):
    list_display = ("ticket", "created_by", "created_at")
    readonly_fields = ("ticket", "created_by", "created_at")
