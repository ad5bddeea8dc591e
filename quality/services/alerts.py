"""Batch-failure alerts (SPEC §8): N repairs of one model with one fault code within
D days raise one alert. Checks for one (model, fault) pair are serialised by a row
lock on its BatchWatch row, and the alert is unique per (model, fault, first repair):
two intakes committing at once raise it exactly once, and never miss it."""
import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets.choices import Category
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed
from tickets.models import Ticket

from ..models import BatchWatch, QualityAlert, QualitySettings

log = logging.getLogger(__name__)
ALERT_ROLES = (roles.TECH_SUPPORT, roles.QUALITY, roles.SPARES_ADMIN, getattr(roles, "PURCHASING", None))


def check_batch_failure(ticket_id):
    """Run after the intake committed. Returns the alert raised, or None."""
    ticket = Ticket.objects.select_related("unit").filter(pk=ticket_id).first()
    if ticket is None or not ticket.unit_id or not ticket.fault_code_id or ticket.category != Category.REPAIR:
        return None
    config = QualitySettings.current()
    model_id, fault_id = ticket.unit.model_id, ticket.fault_code_id
    with transaction.atomic():
        BatchWatch.objects.get_or_create(product_model_id=model_id, fault_code_id=fault_id)
        watch = BatchWatch.objects.select_for_update().get(product_model_id=model_id, fault_code_id=fault_id)
        rows = Ticket.objects.filter(
            unit__model_id=model_id, fault_code_id=fault_id, category=Category.REPAIR,
            created_at__gt=ticket.created_at - timedelta(days=config.batch_window_days),
            created_at__lte=ticket.created_at)
        if watch.counted_until:
            rows = rows.filter(created_at__gt=watch.counted_until)
        rows = list(rows.order_by("created_at", "pk").values_list("pk", "created_at"))
        if len(rows) < config.batch_threshold:
            return None
        try:
            with transaction.atomic():
                alert = QualityAlert.objects.create(
                    product_model_id=model_id, fault_code_id=fault_id, window_start=rows[0][1],
                    window_end=rows[-1][1], ticket_count=len(rows), threshold=config.batch_threshold,
                    window_days=config.batch_window_days, raised_at=ticket.created_at)
        except IntegrityError:
            log.info("batch alert for %s/%s already raised", model_id, fault_id)
            return None
        alert.tickets.set([pk for pk, _at in rows])
        watch.counted_until = rows[-1][1]
        watch.save(update_fields=["counted_until"])
        transaction.on_commit(lambda: _notify(alert))
    return alert


def _notify(alert):
    users = get_user_model().objects.filter(groups__name__in=[r for r in ALERT_ROLES if r], is_active=True).distinct()
    notify(list(users), now=alert.raised_at, kind=Notification.Kind.WARNING, email=True,
           link=reverse("quality:alert_list"),
           title=_("Batch failure: %(count)s × %(model)s with fault %(fault)s") % {
               "count": alert.ticket_count, "model": alert.product_model.code, "fault": alert.fault_code.code})


def check_after_commit(ticket_id):
    """Intake must never fail because of the alert check: errors are logged."""
    try:
        check_batch_failure(ticket_id)
    except Exception:  # noqa: BLE001 - a failed check must not break the intake request
        log.exception("batch failure check failed for ticket %s", ticket_id)


@transaction.atomic
def acknowledge_alert(alert, *, by, now, findings):
    if not by.has_perm("quality.acknowledge_qualityalert"):
        raise PermissionDenied(_("You are not allowed to do this."))
    findings = (findings or "").strip()
    if not findings:
        raise InvalidFields({"findings": _("Record what was found.")})
    if len(findings) > 4000:
        raise InvalidFields({"findings": _("Too long (at most %(n)s characters).") % {"n": 4000}})
    alert = QualityAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at:
        raise TransitionNotAllowed(_("This alert was already acknowledged."))
    alert.acknowledged_at, alert.acknowledged_by, alert.findings = now, by, findings
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "findings"])
    return alert


@transaction.atomic
def update_settings(*, by, batch_threshold, batch_window_days, qa_sample_size):
    if not by.has_perm("quality.change_qualitysettings"):
        raise PermissionDenied(_("You are not allowed to do this."))
    errors = {}
    if not 2 <= batch_threshold <= 1000:
        errors["batch_threshold"] = _("Between 2 and 1000.")
    if not 1 <= batch_window_days <= 365:
        errors["batch_window_days"] = _("Between 1 and 365.")
    if not 1 <= qa_sample_size <= 100:
        errors["qa_sample_size"] = _("Between 1 and 100.")
    if errors:
        raise InvalidFields(errors)
    config = QualitySettings.objects.select_for_update().get(pk=QualitySettings.current().pk)
    config.batch_threshold, config.batch_window_days, config.qa_sample_size = (
        batch_threshold, batch_window_days, qa_sample_size)
    config.save()
    return config
