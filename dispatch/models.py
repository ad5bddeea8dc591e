"""Engineers and the depot bench (SPEC §5, issue: dispatch board and job flows)."""
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.choices import Area
from tickets.models import ProductLine, Ticket
from tickets.uploads import validate_upload


class EngineerStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_JOB = "on_job", _("On a job")
    OFF_DUTY = "off_duty", _("Off duty")


class EngineerProfile(models.Model):
    """Skills, area and status of an engineer; load is counted from open tickets."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engineer")
    product_lines = models.ManyToManyField(ProductLine, blank=True, related_name="engineers",
                                           verbose_name=_("product lines"))
    does_onsite = models.BooleanField(_("onsite jobs"), default=True)
    does_depot = models.BooleanField(_("depot jobs"), default=False)
    area = models.CharField(_("area"), max_length=10, choices=Area.choices, default=Area.URBAN)
    status = models.CharField(_("status"), max_length=10, choices=EngineerStatus.choices,
                              default=EngineerStatus.AVAILABLE)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__username"]
        verbose_name = _("engineer")
        verbose_name_plural = _("engineers")
        permissions = [
            ("set_engineer_status", _("Can set any engineer's status")),
            ("view_board", _("Can use the dispatch board")),
        ]
        indexes = [models.Index(fields=["status"], name="engineer_status_idx")]

    def __str__(self):
        return self.user.get_full_name() or self.user.username


class DepotReceipt(models.Model):
    """A carry-in or mail-in unit received at the depot bench (送修/寄修)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="depot_receipt")
    condition = models.TextField(_("condition on receipt"), max_length=5000, validators=[MaxLengthValidator(5000)])
    accessories = models.CharField(_("accessories received"), max_length=300, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    returned_at = models.DateTimeField(_("returned to customer at"), null=True, blank=True)
    return_method = models.CharField(_("return method"), max_length=20, blank=True, choices=[
        ("pickup", _("Customer pickup")), ("courier", _("Courier"))])
    return_tracking = models.CharField(_("tracking number"), max_length=80, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("depot receipt")
        verbose_name_plural = _("depot receipts")
        # Granted per user in the admin (a depot lead); the supervisor role has it.
        permissions = [("lead_depot", _("Can act on any depot job (depot lead)"))]


class DepotPhoto(models.Model):
    receipt = models.ForeignKey(DepotReceipt, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="depot/%Y/%m/", validators=[validate_upload])
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("depot photo")
        verbose_name_plural = _("depot photos")


class BenchTest(models.Model):
    """Fault test before repair, post-repair test after (SPEC §1 depot engineer)."""

    class Kind(models.TextChoices):
        FAULT = "fault", _("Fault test")
        POST_REPAIR = "post_repair", _("Post-repair test")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        FAULT_CONFIRMED = "fault_confirmed", _("Fault confirmed")
        NO_FAULT_FOUND = "no_fault_found", _("No fault found")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="bench_tests")
    kind = models.CharField(_("test"), max_length=12, choices=Kind.choices)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tested_at = models.DateTimeField(_("tested at"))

    class Meta:
        ordering = ["tested_at", "id"]
        verbose_name = _("bench test")
        verbose_name_plural = _("bench tests")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="fault", result__in=["fault_confirmed", "no_fault_found"])
                | Q(kind="post_repair", result__in=["passed", "failed"]),
                name="bench_result_matches_test",
            ),
        ]
