"""The engineers page: supervisors (and dispatchers) set each engineer's skills, area,
service types and status without the admin. Writes go through dispatch.services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.exceptions import DomainError
from tickets.views.common import add_errors

from . import services
from .forms import EngineerForm
from .models import EngineerProfile

may_manage = permission_required("dispatch.change_engineerprofile", raise_exception=True)


def _profiles():
    return (EngineerProfile.objects.filter(user__is_active=True, user__is_superuser=False)
            .select_related("user").prefetch_related("product_lines")
            .order_by("user__first_name", "user__last_name", "user__username"))


@login_required
@may_manage
def engineer_list(request):
    return render(request, "dispatch/engineers.html", {"profiles": _profiles()})


@login_required
@may_manage
def engineer_edit(request, pk):
    profile = get_object_or_404(_profiles(), pk=pk)
    initial = {"product_lines": list(profile.product_lines.all()), "area": profile.area,
               "does_onsite": profile.does_onsite, "does_depot": profile.does_depot, "status": profile.status}
    form = EngineerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_engineer(profile, by=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": profile})
            return redirect("dispatch:engineers")
    return render(request, "dispatch/engineer_edit.html", {"profile": profile, "form": form},
                  status=400 if form.errors else 200)
