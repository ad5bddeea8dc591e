"""Admin for the quality department: settings and read-mostly views of the records
(all writes of substance go through the quality pages and services)."""
from django.contrib import admin

from .models import Callback, Complaint, QaSample, QualityAlert, QualitySettings


@admin.register(QualitySettings)
class QualitySettingsAdmin(admin.ModelAdmin):
    list_display = ["batch_threshold", "batch_window_days", "qa_sample_size"]

    def has_add_permission(self, request):
        return not QualitySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(_ReadOnly):
    list_display = ["ticket", "result", "channel", "attempted_at", "attitude", "speed", "repair_quality"]
    list_filter = ["result", "channel", "is_low_score"]
    list_select_related = ["ticket"]


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    list_display = ["number", "severity", "status", "category", "customer", "reply_due_at", "closed_at"]
    list_filter = ["severity", "status", "category"]
    list_select_related = ["customer"]


@admin.register(QualityAlert)
class QualityAlertAdmin(_ReadOnly):
    list_display = ["product_model", "fault_code", "ticket_count", "window_start", "acknowledged_at"]
    list_select_related = ["product_model", "fault_code"]


@admin.register(QaSample)
class QaSampleAdmin(_ReadOnly):
    list_display = ["month", "person", "person_role", "ticket", "scored_at"]
    list_filter = ["person_role", "month"]
    list_select_related = ["person", "ticket"]
