"""Satisfaction callbacks (each attempt a row) and single-use public survey links."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CallbackChannel, CallbackResult, SurveyLanguage

_SCORES = ("attitude", "speed", "repair_quality")


def _score(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class Callback(models.Model):
    """One callback attempt for one ticket cycle (a reopened ticket starts a new cycle).
    An answered attempt carries the three 1–5 scores; a failed one only its result."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="callbacks",
                               verbose_name=_("ticket"))
    cycle = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(_("result"), max_length=14, choices=CallbackResult.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=CallbackChannel.choices,
                               default=CallbackChannel.PHONE)
    attempted_at = models.DateTimeField(_("attempted at"))
    working_day = models.DateField(
        _("working day"), null=True, blank=True,
        help_text=_("The local date of the attempt when it fell on a working day (failed attempts must be "
                    "on different working days)."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("recorded by"))
    attitude = _score(_("attitude"))
    speed = _score(_("speed"))
    repair_quality = _score(_("repair quality"))
    comment = models.TextField(_("comment"), blank=True)
    is_low_score = models.BooleanField(_("low score"), default=False)
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("followed up by"))
    follow_up_note = models.TextField(_("follow-up note"), blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        permissions = [("follow_up_callback", _("Can follow up low satisfaction scores"))]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "cycle"], condition=Q(result="answered"),
                                    name="one_answered_callback_per_cycle"),
            models.CheckConstraint(
                condition=(Q(result="answered", attitude__isnull=False, speed__isnull=False,
                             repair_quality__isnull=False)
                           | (~Q(result="answered") & Q(attitude__isnull=True, speed__isnull=True,
                                                         repair_quality__isnull=True))),
                name="scores_only_on_answered_callback"),
            *[models.CheckConstraint(condition=Q(**{f"{s}__gte": 1, f"{s}__lte": 5}) | Q(**{f"{s}__isnull": True}),
                                     name=f"callback_{s}_1_to_5") for s in _SCORES],
        ]
        indexes = [
            models.Index(fields=["ticket", "cycle", "result"], name="callback_ticket_cycle_idx"),
            models.Index(fields=["-attempted_at"], name="callback_low_open_idx",
                         condition=Q(is_low_score=True, follow_up_done_at__isnull=True)),
            models.Index(fields=["attempted_at"], name="callback_attempted_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.result}"

    @property
    def average(self):
        if self.result != CallbackResult.ANSWERED:
            return None
        return round((self.attitude + self.speed + self.repair_quality) / 3, 1)


class SurveyLink(models.Model):
    """A single-use, expiring link to the public survey of one ticket. Only the SHA-256 of
    the random token is stored: the link itself is shown once, when it is made."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="survey_links",
                               verbose_name=_("ticket"))
    cycle = models.PositiveSmallIntegerField(default=0)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=SurveyLanguage.choices,
                                default=SurveyLanguage.ZH_HANS)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    callback = models.OneToOneField(Callback, on_delete=models.PROTECT, null=True, blank=True, related_name="survey")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="survey_expires_after_made"),
        ]

    def __str__(self):
        return f"{self.ticket_id} survey"

    def state(self, now):
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "active"
