"""Login throttling on django-axes (SPEC §11, issue 8 item 9).

Failures are stored in the database (shared by every web worker, independent of Redis)
and counted per account and per client address separately: an account locks after
LOGIN_FAILURE_LIMIT failures from anywhere, an address after LOGIN_ADDRESS_FAILURE_LIMIT
failures at any accounts (higher: many staff may share one office address). Locks last
LOGIN_COOLDOWN_SECONDS. The client address is REMOTE_ADDR, or the header named by
CLIENT_IP_HEADER when the app runs behind a proxy that sets it; nothing else is trusted.
"""
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from axes.handlers.database import AxesDatabaseHandler


def client_ip(request):
    """AXES_CLIENT_IP_CALLABLE: the configured proxy header only, else the peer address.
    A list (X-Forwarded-For) counts from the right: the entry our proxy appended."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[-1].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with separate limits for the account and the address
    (axes itself applies one limit to the larger of the two counts)."""

    def failure_counts(self, request, credentials=None):
        counts = [attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        return dict(zip(settings.AXES_LOCKOUT_PARAMETERS, counts))

    def is_locked(self, request, credentials=None):
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        counts = self.failure_counts(request, credentials)
        return (counts.get("username", 0) >= settings.LOGIN_FAILURE_LIMIT
                or counts.get("ip_address", 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT)

    def get_failures(self, request, credentials=None):
        # Axes compares this with AXES_FAILURE_LIMIT (1) after each failure to flag the
        # request as locked out: report 1 exactly when one of our limits is reached.
        return 1 if self.is_locked(request, credentials) else 0


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with a message; JSON for the API, the sign-in page otherwise."""
    message = _("Too many failed sign-ins. Wait a few minutes and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "throttled"}, status=429)
    from .forms import ThrottledAuthenticationForm

    form = ThrottledAuthenticationForm(request)
    return render(request, "registration/login.html", {"form": form, "throttled": message}, status=429)


def username_of(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the account tried, case-folded (one count per account)."""
    if credentials:
        value = credentials.get("username")
    else:
        data = getattr(request, "data", None)
        value = data.get("username") if isinstance(data, dict) else request.POST.get("username")
    return str(value or "").strip().lower()[:150] or None
