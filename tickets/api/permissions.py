"""Role checks for the API: the same Django model permissions the pages use (the role
groups of staff/roles.py). The services check again; these run first so that a role
that may never do something gets 403 before its input is even read."""
from rest_framework.permissions import BasePermission, DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """DjangoModelPermissions that also requires the view permission to read."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(view, "action", "") is None and request.user and request.user.is_authenticated:
            return True  # no handler for this method: DRF answers 405
        return super().has_permission(request, view)


class ActionPermissions(BasePermission):
    """The view declares, per action, the permissions of which the user needs one:
    `action_perms = {"assign": ["tickets.assign_ticket"], ...}`. An action missing from
    the map is refused, so a new endpoint is closed until someone opens it."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action is None:
            return True  # no handler for this method: DRF answers 405
        required = view.action_perms.get(view.action)
        if required is None:
            return False
        return any(user.has_perm(perm) for perm in required)
