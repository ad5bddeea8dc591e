"""Navigation per role and the unread-notification count, for base.html."""
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import roles

# (label, url name, who sees it: a permission, a test of the user, or None for everyone signed in)
_NAV = [
    (_("New call"), "tickets:intake", "tickets.add_ticket"),
    (_("Board"), "dispatch:board", "dispatch.view_board"),
    (_("Tickets"), "tickets:ticket_list", "tickets.view_all_tickets"),
    (_("My jobs"), "tickets:my_jobs", "tickets.work_ticket"),
    (_("Customers"), "tickets:customer_list", "tickets.view_customer"),
    (_("Escalations"), "tickets:escalations", lambda user: (  # supervisors act on them, managers read them
        user.has_perm("tickets.acknowledge_escalation") or roles.has_role(user, roles.MANAGER))),
    (_("Engineers"), "dispatch:engineers", "dispatch.change_engineerprofile"),
    (_("Reports"), "reports:index", "quality.view_reports"),
    (_("Callbacks"), "quality:callbacks", "quality.add_callback"),
    (_("Complaints"), "quality:complaint_list", "quality.view_complaint"),
    (_("Task force"), "quality:task_force", "role:" + ",".join((roles.SALES_LEAD, roles.SUPERVISOR))),
    (_("Quality"), "quality:dashboard", "quality.view_quality_dashboard"),
    (_("Spare parts"), "spares:stock", "spares.view_stockmove"),
    (_("RMA"), "spares:rma_list", "spares.view_rma"),
    (_("Inbox"), "staff:inbox", None),
    (_("System"), "staff:system_status", "tickets.acknowledge_escalation"),
]


def _allowed(user, perm):
    if callable(perm):
        return perm(user)
    if perm.startswith("role:"):
        return bool(roles.user_roles(user) & set(perm[5:].split(",")))
    return user.has_perm(perm)


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    items = [
        {"label": label, "url": reverse(name), "active": request.path.startswith(reverse(name))}
        for label, name, perm in _NAV
        if perm is None or _allowed(user, perm)
    ]
    if user.is_staff:
        items.append({"label": _("Admin"), "url": reverse("admin:index"), "active": False})
    # Lazy: evaluated only when a template shows them (not for HTMX partials);
    # the unread count stops at UNREAD_CAP instead of counting a backlog of thousands.
    return {
        "nav_items": items,
        "unread_count": SimpleLazyObject(lambda: unread_count(user)),
        "user_role_labels": SimpleLazyObject(
            lambda: [roles.ROLE_LABELS[r] for r in roles.ROLES if r in roles.user_roles(user)]),
    }


UNREAD_CAP = 99


def unread_count(user):
    """Unread messages, counted up to UNREAD_CAP (shown as "99+") through the inbox index."""
    count = user.notifications.filter(read_at__isnull=True).order_by()[:UNREAD_CAP + 1].count()
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else count
