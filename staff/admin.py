from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from . import roles
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


# --- readable role names -------------------------------------------------------------------------
# Groups are named by role code (staff.roles: the code is what permissions and queries use);
# the admin shows each role's translated label instead.

def role_label(group):
    label = roles.ROLE_LABELS.get(group.name)
    return f"{label} ({group.name})" if label else group.name


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return role_label(group)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ("role", "name")

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return roles.ROLE_LABELS.get(group.name, group.name)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_active", "is_staff")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(str(roles.ROLE_LABELS.get(g.name, g.name)) for g in user.groups.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)
