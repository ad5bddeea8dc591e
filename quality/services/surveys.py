"""Public survey links: a random 256-bit token per link, stored only as its SHA-256,
bound to one ticket, single-use and expiring. Answering records an answered callback
(channel "survey"), which closes the ticket like a phone callback."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _, override

from tickets.choices import EventKind, Status
from tickets.exceptions import DomainError, InvalidFields, TransitionNotAllowed
from tickets.services.base import _lock, log_event, require_perm

from ..choices import CallbackChannel, CallbackResult, SurveyLanguage
from ..models import SurveyLink
from .callbacks import record_callback


class SurveyUnavailable(DomainError):
    """The link was used, expired, revoked, or its ticket no longer waits for a callback."""

    code = "survey_unavailable"
    http_status = 410


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def survey_path(ticket, token):
    return reverse("survey", args=[ticket.number, token])


def issue_survey_link(ticket, *, by, now, language=SurveyLanguage.ZH_HANS, email=""):
    """Make a new link (older unused links of the ticket stop working); returns (link, url).
    The url carries the token and is shown once; only its hash is kept."""
    require_perm(by, "quality.add_surveylink")
    if language not in SurveyLanguage.values:
        raise InvalidFields({"language": _("Choose English or Simplified Chinese.")})
    email = (email or "").strip()
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status != Status.COMPLETED:
            raise TransitionNotAllowed(_("Ticket %(number)s is %(status)s; a survey is sent after completion.") % {
                "number": ticket.number, "status": ticket.get_status_display()})
        SurveyLink.objects.filter(ticket=ticket, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        link = SurveyLink.objects.create(
            ticket=ticket, cycle=ticket.reopen_count, token_hash=hash_token(token), language=language,
            created_at=now, created_by=by, expires_at=now + timedelta(days=settings.SURVEY_LINK_DAYS),
            emailed_to=email)
        log_event(ticket, kind=EventKind.CALLBACK, by=by, now=now,
                  data={"survey_link": link.pk, "sent_by": "email" if email else "copy", "language": language})
    url = settings.SITE_URL.rstrip("/") + survey_path(ticket, token)
    if email:
        transaction.on_commit(lambda: _email_link(link, url))
    return link, url


def _email_link(link, url):
    with override(link.language):
        subject = _("How did we do? Your service %(number)s") % {"number": link.ticket.number}
        body = _("Please rate our service in one minute: %(url)s\nThe link works once, until %(date)s.") % {
            "url": url, "date": link.expires_at.strftime("%Y-%m-%d")}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [link.emailed_to], fail_silently=True)


def find_link(number, token):
    """The link for this ticket number and token, or None: an unknown token, a token
    of another ticket and a tampered token all look the same to the caller."""
    if not token or len(token) > 100 or not number or len(number) > 30:
        return None
    link = SurveyLink.objects.select_related("ticket").filter(token_hash=hash_token(token)).first()
    if link is None or not hmac.compare_digest(link.ticket.number.encode(), number.encode()):
        return None
    return link


def submit_survey(link, *, now, comment="", **scores):
    """The customer's answer: exactly once, before expiry, while the ticket still waits."""
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().select_related("ticket").get(pk=link.pk)
        if link.state(now) != "active" or link.cycle != link.ticket.reopen_count:
            raise SurveyUnavailable(_("This survey link is no longer valid."))
        try:
            callback = record_callback(link.ticket, by=None, now=now, result=CallbackResult.ANSWERED,
                                       channel=CallbackChannel.SURVEY, comment=comment, **scores)
        except TransitionNotAllowed as refusal:
            raise SurveyUnavailable(_("This survey link is no longer valid.")) from refusal
        link.used_at, link.callback = now, callback
        link.save(update_fields=["used_at", "callback"])
    return callback
