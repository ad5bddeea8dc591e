from django.contrib import admin

from .models import EngineerProfile


@admin.register(EngineerProfile)
class EngineerProfileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "area", "does_onsite", "does_depot", "status", "status_changed_at")
    list_filter = ("area", "does_onsite", "does_depot", "status", "product_lines")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("product_lines",)
    raw_id_fields = ("user",)
    readonly_fields = ("status_changed_at",)
