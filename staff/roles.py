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
PURCHASING = "purchasing"
ADMINISTRATOR = "administrator"
SALES_LEAD = "sales_lead"

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
    PURCHASING: _("Purchasing"),
    ADMINISTRATOR: _("Administrator"),
    SALES_LEAD: _("Sales lead"),
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
_REPORTS = ["quality.view_reports", "quality.view_shipment"]
# Quality department (SPEC §8): callbacks and surveys are done by agents and dispatchers,
# complaints logged by agents, handled by quality staff and supervisors.
_CALLBACKS = ["quality.view_callback", "quality.add_callback", "quality.add_surveylink", "quality.view_surveylink"]
_COMPLAINTS_ALL = ["quality.view_complaint", "quality.view_all_complaints", "quality.change_complaint"]
_ALERTS = ["quality.view_qualityalert", "quality.acknowledge_qualityalert"]
_VIEW_SPARES = [
    "spares.view_part", "spares.view_warehouse", "spares.view_stockbalance", "spares.view_stockmove",
    "spares.view_reservation", "spares.view_vendor", "spares.view_rma", "spares.view_quote",
]

# Permission codenames "app_label.codename" granted to each role.
ROLE_PERMISSIONS = {
    AGENT: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.resolve_at_intake", "tickets.close_ticket", "tickets.cancel_ticket",
        "tickets.reopen_ticket", "tickets.add_note", "spares.view_quote", "spares.record_quote_decision",
        *_CALLBACKS, "quality.add_complaint", *_COMPLAINTS_ALL,
    ],
    DISPATCHER: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.assign_ticket", "tickets.record_on_behalf", "tickets.close_ticket",
        "tickets.cancel_ticket", "tickets.reopen_ticket", "tickets.add_note", "tickets.change_ticket_priority",
        "dispatch.view_engineerprofile", "dispatch.change_engineerprofile", "dispatch.set_engineer_status",
        "dispatch.view_board",
        *_CALLBACKS,
    ],
    ONSITE_ENGINEER: _VIEW_CATALOG + ["tickets.view_ticket", "tickets.work_ticket", "tickets.add_note",
                                      "dispatch.view_engineerprofile", "spares.view_part", "spares.view_warehouse",
                                      "spares.view_stockbalance"],
    DEPOT_ENGINEER: _VIEW_CATALOG + ["tickets.view_ticket", "tickets.work_ticket", "tickets.add_note",
                                     "dispatch.view_engineerprofile", "dispatch.add_depotreceipt",
                                     "dispatch.add_benchtest", "spares.view_part", "spares.view_warehouse",
                                     "spares.view_stockbalance"],
    TECH_SUPPORT: _VIEW_CATALOG + _SEE_ALL + ["tickets.add_note", *_ALERTS],
    SPARES_ADMIN: _VIEW_CATALOG + _SEE_ALL + [
        "tickets.change_productunit", "tickets.add_note", "tickets.handle_vendor_repair",
        "dispatch.add_depotreceipt", "quality.view_qualityalert",
        *_VIEW_SPARES, "spares.add_part", "spares.change_part", "spares.add_warehouse", "spares.change_warehouse",
        "spares.add_stockmove", "spares.add_reservation", "spares.add_vendor", "spares.change_vendor",
        "spares.manage_rma", "spares.add_quote", "spares.record_quote_decision",
    ],
    QUALITY: _VIEW_CATALOG + _SEE_ALL + [
        "tickets.close_ticket", "tickets.add_note", *_CALLBACKS, "quality.follow_up_callback",
        "quality.add_complaint", *_COMPLAINTS_ALL, *_ALERTS, "quality.view_quality_dashboard",
        "quality.view_qasample", "quality.add_qasample", "quality.change_qasample",
    ],
    # Purchasing 采购: buys parts, and demands return or exchange from vendors (seed 002);
    # receives batch-failure alerts (SPEC §8).
    PURCHASING: _VIEW_CATALOG + [  # not quotes: they belong to tickets purchasing cannot see
        *[perm for perm in _VIEW_SPARES if perm != "spares.view_quote"], "spares.add_part", "spares.change_part", "spares.add_vendor", "spares.change_vendor",
        "spares.add_stockmove", "quality.view_qualityalert",
    ],
    SUPERVISOR: _VIEW_CATALOG + _INTAKE + _SEE_ALL + [
        "tickets.assign_ticket", "tickets.record_on_behalf", "tickets.resolve_at_intake",
        "tickets.close_ticket", "tickets.cancel_ticket", "tickets.reopen_ticket", "tickets.add_note",
        "tickets.acknowledge_escalation", "tickets.change_ticket_priority",
        "dispatch.view_engineerprofile", "dispatch.change_engineerprofile", "dispatch.set_engineer_status",
        "dispatch.view_board", "dispatch.lead_depot",
        *_REPORTS, "quality.add_shipment", "quality.change_shipment",
        "quality.view_callback", "quality.follow_up_callback", "quality.add_complaint", *_COMPLAINTS_ALL,
        *_ALERTS, "quality.view_quality_dashboard", "quality.view_qasample", "quality.add_qasample",
        "quality.change_qualitysettings", "quality.view_qualitysettings",
        *_VIEW_SPARES, "spares.waive_quote", "spares.write_off_rma", "spares.record_quote_decision",
        "spares.add_reservation",
    ],
    MANAGER: _VIEW_CATALOG + _SEE_ALL + _REPORTS + _VIEW_SPARES + [
        "quality.view_callback", "quality.view_complaint", "quality.view_all_complaints",
        "quality.view_qualityalert", "quality.view_quality_dashboard", "quality.view_qasample",
    ],
    ADMINISTRATOR: _VIEW_CATALOG + _SEE_ALL + [
        "tickets.add_productmodel", "tickets.change_productmodel", "tickets.add_faultcode",
        "tickets.change_faultcode", "tickets.add_productline", "tickets.change_productline",
        "tickets.view_slapolicy", "tickets.change_slapolicy", "tickets.view_businesscalendar",
        "tickets.add_businesscalendar", "tickets.change_businesscalendar", "tickets.add_workinghours",
        "tickets.change_workinghours", "tickets.delete_workinghours", "tickets.add_calendarday",
        "tickets.change_calendarday", "tickets.delete_calendarday",
        "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
        "dispatch.view_engineerprofile", "dispatch.change_engineerprofile",
    ],
    # Member of major-complaint task forces (SPEC §4): sees the complaints whose task
    # force they sit on (selector), and the customers and tickets behind them.
    SALES_LEAD: _VIEW_CATALOG + _SEE_ALL + ["tickets.add_note", "quality.view_complaint"],
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
