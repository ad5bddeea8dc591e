"""Departments, staff profiles and the in-app notification inbox."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("department"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class Notification(models.Model):
    """A message in a user's inbox (escalations, warnings, assignments)."""

    class Kind(models.TextChoices):
        INFO = "info", _("Information")
        ASSIGNMENT = "assignment", _("Assignment")
        WARNING = "warning", _("Warning")
        ESCALATION = "escalation", _("Escalation")

    # db_index=False: both indexes below start with the recipient (the sweep inserts
    # thousands of rows per batch; each index is paid on every row)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INFO)
    # New rows store a text kind + parameters (staff.texts) and are rendered in the
    # reader's language; title/body hold only older sentences or a person's own words.
    text = models.CharField(_("text kind"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
            # the inbox: one recipient's messages, newest first (ordering above)
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return self.rendered_title

    @property
    def rendered_title(self):
        from .texts import render

        return render(self.text, self.params, fallback=self.title)

    @property
    def rendered_body(self):
        from .texts import render

        return render(f"{self.text}.body", self.params, fallback=self.body) if self.text else self.body
