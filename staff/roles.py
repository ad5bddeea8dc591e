"""The roles of SPEC §1. Each role is a Django group; its permissions come from a data
migration (staff/migrations/0002_roles.py) built from ROLE_PERMISSIONS below."""
from django.utils.translation import gettext_lazy as _

AGENT = "agent"
DISPATCHER = "dispatcher"
ONSITE_ENGINEER = "onsite_engineer"
DEPOT_ENGINEER = "depot_engineer"
TECH_SUPPORT = "tech_support"
SPARES_ADMIN = "spares_admin"
QUALITY = "quality"
SUPERVISOR = "supervisor"
MANAGER = "manager"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    AGENT: _("Call agent"),
    DISPATCHER: _("Dispatcher"),
    ONSITE_ENGINEER: _("Onsite engineer"),
    DEPOT_ENGINEER: _("Depot engineer"),
    TECH_SUPPORT: _("Technical support"),
    SPARES_ADMIN: _("Spare-parts administrator"),
    QUALITY: _("Quality staff"),
    SUPERVISOR: _("Service center supervisor"),
    MANAGER: _("Manager"),
    ADMINISTRATOR: _("Administrator"),
}
ROLES = tuple(ROLE_LABELS)
ENGINEER_ROLES = (ONSITE_ENGINEER, DEPOT_ENGINEER)

_VIEW_CATALOG = [
    "tickets.view_customer", "tickets.view_productmodel", "tickets.view_productunit",
    "tickets.view_faultcode", "tickets.view_productline",
]
_INTAKE = [
    "tickets.add_customer", "tickets.change_customer", "tickets.add_productunit",
    "tickets.change_productunit", "tickets.add_ticket",
]
_SEE_ALL = ["tickets.view_ticket", "tickets.view_all_tickets", "tickets.view_escalation"]

# Permission codenames "app_label.codename" granted to each role.
ROLE_PERMISSIONS = {
    AGENT: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.resolve_at_intake", "tickets.close_ticket", "tickets.cancel_ticket",
        "tickets.reopen_ticket", "tickets.add_note",
    ],
    DISPATCHER: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.assign_ticket", "tickets.record_on_behalf", "tickets.close_ticket",
        "tickets.cancel_ticket", "tickets.reopen_ticket", "tickets.add_note", "tickets.change_ticket_priority",
        "dispatch.view_engineerprofile", "dispatch.change_engineerprofile", "dispatch.set_engineer_status",
        "dispatch.view_board",
    ],
    ONSITE_ENGINEER: _VIEW_CATALOG + ["tickets.view_ticket", "tickets.work_ticket", "tickets.add_note",
                                      "dispatch.view_engineerprofile"],
    DEPOT_ENGINEER: _VIEW_CATALOG + ["tickets.view_ticket", "tickets.work_ticket", "tickets.add_note",
                                     "dispatch.view_engineerprofile", "dispatch.add_depotreceipt",
                                     "dispatch.add_benchtest"],
    TECH_SUPPORT: _VIEW_CATALOG + _SEE_ALL + ["tickets.add_note"],
    SPARES_ADMIN: _VIEW_CATALOG + _SEE_ALL + [
        "tickets.change_productunit", "tickets.add_note", "tickets.handle_vendor_repair",
        "dispatch.add_depotreceipt",
    ],
    QUALITY: _VIEW_CATALOG + _SEE_ALL + ["tickets.close_ticket", "tickets.add_note"],
    SUPERVISOR: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.assign_ticket", "tickets.record_on_behalf", "tickets.resolve_at_intake",
        "tickets.close_ticket", "tickets.cancel_ticket", "tickets.reopen_ticket", "tickets.add_note",
        "tickets.acknowledge_escalation", "tickets.change_ticket_priority",
        "dispatch.view_engineerprofile", "dispatch.change_engineerprofile", "dispatch.set_engineer_status",
        "dispatch.view_board", "dispatch.lead_depot",
    ],
    MANAGER: _VIEW_CATALOG + _SEE_ALL,
    ADMINISTRATOR: _VIEW_CATALOG + _SEE_ALL + [
        "tickets.add_productmodel", "tickets.change_productmodel", "tickets.add_faultcode",
        "tickets.change_faultcode", "tickets.add_productline", "tickets.change_productline",
        "tickets.view_slapolicy", "tickets.change_slapolicy", "tickets.view_businesscalendar",
        "tickets.add_businesscalendar", "tickets.change_businesscalendar", "tickets.add_workinghours",
        "tickets.change_workinghours", "tickets.delete_workinghours", "tickets.add_calendarday",
        "tickets.change_calendarday", "tickets.delete_calendarday",
        "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
    ],
}


def user_roles(user):
    """Names of the role groups the user belongs to (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, *roles):
    return bool(user_roles(user) & set(roles)) or getattr(user, "is_superuser", False)
