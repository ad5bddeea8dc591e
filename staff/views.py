from django.contrib.auth import views as auth_views
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import services
from .forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """Send each role to the page it works from."""
    user = request.user
    if user.has_perm("tickets.add_ticket") and not user.has_perm("tickets.assign_ticket"):
        return redirect("tickets:intake")
    if user.has_perm("tickets.view_all_tickets"):
        return redirect("tickets:ticket_list")
    if user.has_perm("tickets.work_ticket"):
        return redirect("tickets:my_jobs")
    return redirect("staff:inbox")


class InboxPage:
    """A page of the inbox without COUNT(*): a supervisor's inbox holds hundreds of
    thousands of messages. Reads one row more than it shows to know whether an older page
    exists; newest first through notification_recipient_idx."""

    size = 30
    max_number = 1000

    def __init__(self, queryset, number):
        number = str(number or "1")
        self.number = min(int(number), self.max_number) if number.isdigit() and int(number) > 0 else 1
        start = (self.number - 1) * self.size
        rows = list(queryset[start:start + self.size + 1])
        self.object_list = rows[:self.size]
        self.has_next = len(rows) > self.size and self.number < self.max_number
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


@login_required
def inbox(request):
    page = InboxPage(request.user.notifications.order_by("-created_at", "-id"), request.GET.get("page"))
    return render(request, "staff/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    ids = request.POST.getlist("id")
    if request.POST.get("all"):
        ids = list(request.user.notifications.filter(read_at__isnull=True).values_list("pk", flat=True))
    bad = [i for i in ids if not (str(i).isascii() and str(i).isdecimal() and len(str(i)) <= 18)]
    if bad:
        raise BadRequest(_("“%(value)s” is not a valid id.") % {"value": str(bad[0])[:40]})
    services.mark_read(request.user, [int(i) for i in ids], now=timezone.now())
    return redirect("staff:inbox")


def bad_request(request, exception=None):
    """400 page that says what was wrong (the message of BadRequest / SuspiciousOperation);
    JSON under /api/."""
    message = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or _("Bad request"), "code": "bad_request"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def not_found(request, exception=None):
    """Django's 404 page; JSON under /api/ (the API documents JSON answers only)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


@login_required
def system_status(request):
    """Supervisors: when the SLA sweep last ran and how far behind it is."""
    from django.core.exceptions import PermissionDenied

    from tickets.selectors import sweep_status

    if not request.user.has_perm("tickets.acknowledge_escalation"):
        raise PermissionDenied
    status = sweep_status(now=timezone.now())
    status["stale"] = status["age"] is None or status["age"].total_seconds() > status["stale_after_seconds"]
    return render(request, "staff/system_status.html", {"status": status})
