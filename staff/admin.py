from django.contrib import admin

from .models import Department, Notification, StaffProfile


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "phone")
    list_select_related = ("user", "department")
    list_filter = ("department",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
