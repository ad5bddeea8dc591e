"""Navigation per role and the unread-notification count, for base.html."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import roles

# (label, url name, who sees it: a permission, or None for everyone signed in)
_NAV = [
    (_("New call"), "tickets:intake", "tickets.add_ticket"),
    (_("Board"), "dispatch:board", "dispatch.view_board"),
    (_("Tickets"), "tickets:ticket_list", "tickets.view_all_tickets"),
    (_("My jobs"), "tickets:my_jobs", "tickets.work_ticket"),
    (_("Customers"), "tickets:customer_list", "tickets.view_customer"),
    (_("Escalations"), "tickets:escalations", "tickets.acknowledge_escalation"),
    (_("Inbox"), "staff:inbox", None),
    (_("System"), "staff:system_status", "tickets.acknowledge_escalation"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    items = [
        {"label": label, "url": reverse(name), "active": request.path.startswith(reverse(name))}
        for label, name, perm in _NAV
        if perm is None or user.has_perm(perm)
    ]
    if user.is_staff:
        items.append({"label": _("Admin"), "url": reverse("admin:index"), "active": False})
    return {
        "nav_items": items,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "user_role_labels": [roles.ROLE_LABELS[r] for r in roles.ROLES if r in roles.user_roles(user)],
    }
