"""Writes for staff: notifications."""
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation

from .models import Notification


def notify(recipients, *, now, title="", body="", link="", kind=Notification.Kind.INFO, email=False,
           text="", params=None):
    """One inbox row per recipient (bulk insert); optionally an email too.

    Prefer `text` + `params` (a kind registered in staff.texts): the inbox renders it in
    the reader's language. `title`/`body` are for a person's own words."""
    recipients = [r for r in recipients if r is not None]
    params = params or {}
    Notification.objects.bulk_create(
        Notification(recipient=r, title=title, body=body, text=text, params=params, link=link, kind=kind,
                     created_at=now)
        for r in recipients
    )
    addresses = [r.email for r in recipients if r.email]
    if email and addresses:
        sample = Notification(title=title, body=body, text=text, params=params)
        with translation.override(settings.LANGUAGE_CODE):  # no per-user language is stored
            subject, body_text = sample.rendered_title, sample.rendered_body
        url = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link
        message = f"{body_text}\n{url}".strip()
        # One message each: recipients do not see one another's addresses.
        send_mass_mail([(subject, message, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses],
                       fail_silently=True)
    return len(recipients)


def email_notifications(notification_ids):
    """Send the e-mail copy of each notification whose recipient has an address (one
    message each: recipients do not see one another's addresses)."""
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("recipient").order_by("pk")
    with translation.override(settings.LANGUAGE_CODE):  # no per-user language is stored
        messages = [(row.rendered_title, _email_text(row.rendered_body, row.link), settings.DEFAULT_FROM_EMAIL,
                     [row.recipient.email]) for row in rows if row.recipient.email]
    return send_mass_mail(messages, fail_silently=True) if messages else 0


def _email_text(body, link):
    url = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link
    return f"{body}\n{url}".strip()


def mark_read(user, notification_ids, *, now):
    return Notification.objects.filter(recipient=user, pk__in=notification_ids, read_at__isnull=True).update(read_at=now)
