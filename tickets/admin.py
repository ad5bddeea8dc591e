from django.contrib import admin

from .models import (
    BusinessCalendar, CalendarDay, Customer, CustomerPhone, Escalation, FaultCode, ProductLine, ProductModel,
    ProductUnit, ServiceReport, SlaPolicy, Ticket, TicketEvent, WorkingHours,
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


# --- SLA: policies per priority, the business calendar (README: edited here) ---------------------

class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    fields = ("weekday", "start", "end")
    extra = 0


class CalendarDayInline(admin.TabularInline):
    """Holidays and make-up working days (调休, with their hours)."""

    model = CalendarDay
    fields = ("date", "kind", "name", "start", "end")
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone")
    inlines = [WorkingHoursInline, CalendarDayInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """One policy per priority (created by a data migration): edited, never added or removed."""

    list_display = ("priority", "calendar", "response_minutes", "completion_minutes", "special_completion_minutes",
                    "arrival_minutes", "part_return_minutes", "callback_minutes", "warning_percent", "level2_factor")
    list_select_related = ("calendar",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalations are raised by the sweep and acknowledged on the escalations page."""

    list_display = ("ticket", "level", "due_at", "raised_at", "acknowledged_by", "acknowledged_at")
    list_filter = ("level",)
    list_select_related = ("ticket", "clock", "acknowledged_by")
    raw_id_fields = ("ticket", "clock", "acknowledged_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
