"""Complaints (SPEC §8): logged at intake by agents, never through the repair flow.
The reply clock is computed once in the business calendar; a major complaint forms a
task force (supervisors, the handling engineer, sales leads) that is notified at once."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from staff import roles
from staff.models import Notification
from staff.services import notify
from tickets import sla
from tickets.choices import Channel
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed

from ..calendar import business_calendar
from ..choices import ComplaintCategory, ComplaintStatus, ReplyLevel, Responsibility, Severity, TaskForceRole
from ..models import Complaint, TaskForceMember

MAX_TEXT = 4000


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))


def _text(value, field, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise InvalidFields({field: _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise InvalidFields({field: _("Too long (at most %(n)s characters).") % {"n": MAX_TEXT}})
    return value


def _choice(value, field, choices):
    if value not in choices.values:
        raise InvalidFields({field: _("Choose one of the listed values.")})
    return value


def reply_deadlines(created_at, severity):
    """(target, warn_at, due_at, level2_at) for a complaint logged at `created_at`."""
    from datetime import timedelta

    target = timedelta(minutes=settings.COMPLAINT_REPLY_MINUTES[severity])
    _record, calendar = business_calendar()
    times = sla.deadlines(created_at, target, calendar)
    return target, times.warn_at, times.due_at, times.level2_at


def create_complaint(*, by, now, customer, channel, severity, category, description, ticket=None, owner=None):
    _require(by, "quality.add_complaint")
    _choice(channel, "channel", Channel)
    _choice(severity, "severity", Severity)
    _choice(category, "category", ComplaintCategory)
    description = _text(description, "description")
    if ticket is not None and ticket.customer_id != customer.pk:
        raise InvalidFields({"ticket": _("The source ticket belongs to another customer.")})
    target, warn_at, due_at, level2_at = reply_deadlines(now, severity)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            customer=customer, ticket=ticket, channel=channel, severity=severity, category=category,
            description=description, owner=owner or by, created_by=by, created_at=now, reply_target=target,
            reply_warn_at=warn_at, reply_due_at=due_at, reply_level2_at=level2_at, next_due_at=warn_at)
        if severity == Severity.MAJOR:
            _form_task_force(complaint, now=now)
    return complaint


def _form_task_force(complaint, *, now):
    """Supervisors, the handling engineer of the source ticket, sales leads (and the owner
    when a quality staff member), each notified in the inbox and by email at once."""
    users = get_user_model().objects.filter(is_active=True)
    seats = [(u, TaskForceRole.SUPERVISOR) for u in users.filter(groups__name=roles.SUPERVISOR).distinct()]
    engineer = complaint.ticket.assignee if complaint.ticket_id and complaint.ticket.assignee_id else None
    if engineer is None and complaint.ticket_id:
        from tickets.models import TicketEvent

        last = (TicketEvent.objects.filter(ticket=complaint.ticket, kind="assignment").order_by("-at", "-id")
                .values_list("data", flat=True).first()) or {}
        engineer = users.filter(pk=last.get("assignee")).first() if last.get("assignee") else None
    if engineer is not None:
        seats.append((engineer, TaskForceRole.ENGINEER))
    seats += [(u, TaskForceRole.SALES_LEAD) for u in users.filter(groups__name=roles.SALES_LEAD).distinct()]
    if complaint.owner and roles.QUALITY in roles.user_roles(complaint.owner):
        seats.append((complaint.owner, TaskForceRole.QUALITY))
    seen = set()
    members = []
    for user, role in seats:
        if user.pk not in seen:
            seen.add(user.pk)
            members.append(TaskForceMember(complaint=complaint, user=user, role=role, added_at=now))
    TaskForceMember.objects.bulk_create(members, ignore_conflicts=True)
    recipients = [m.user for m in members]
    transaction.on_commit(lambda: notify(
        recipients, now=now, kind=Notification.Kind.ESCALATION, link=complaint.get_absolute_url(), email=True,
        title=_("Major complaint %(number)s: task force formed") % {"number": complaint.number},
        body=_("Customer: %(customer)s") % {"customer": complaint.customer.name}))


def _locked(complaint):
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.CLOSED:
        raise TransitionNotAllowed(_("Complaint %(number)s is closed.") % {"number": complaint.number})
    return complaint


def _may_handle(user, complaint):
    if user.has_perm("quality.change_complaint"):
        return
    raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def set_owner(complaint, owner, *, by, now):
    _may_handle(by, complaint)
    complaint = _locked(complaint)
    complaint.owner = owner
    complaint.save(update_fields=["owner"])
    return complaint


@transaction.atomic
def record_reply(complaint, *, by, now, note):
    """The first reply to the customer stops the reply clock (met or late, by how much)."""
    _may_handle(by, complaint)
    note = _text(note, "note")
    complaint = _locked(complaint)
    if complaint.replied_at:
        raise TransitionNotAllowed(_("The first reply was already recorded."))
    complaint.replied_at, complaint.reply_note, complaint.next_due_at = now, note, None
    complaint.status = ComplaintStatus.REPLIED
    if now > complaint.reply_due_at:
        _record, calendar = business_calendar()
        complaint.reply_breached = True
        complaint.reply_overrun = sla.working_time_between(complaint.reply_due_at, now, calendar)
    complaint.save()
    return complaint


@transaction.atomic
def record_investigation(complaint, *, by, now, cause, responsibility):
    _may_handle(by, complaint)
    cause = _text(cause, "cause")
    _choice(responsibility, "responsibility", Responsibility)
    complaint = _locked(complaint)
    complaint.cause, complaint.responsibility, complaint.investigated_at = cause, responsibility, now
    complaint.save(update_fields=["cause", "responsibility", "investigated_at"])
    return complaint


@transaction.atomic
def record_remedy(complaint, *, by, now, remedy):
    _may_handle(by, complaint)
    remedy = _text(remedy, "remedy")
    complaint = _locked(complaint)
    complaint.remedy, complaint.remedy_at = remedy, now
    complaint.save(update_fields=["remedy", "remedy_at"])
    return complaint


@transaction.atomic
def record_acceptance(complaint, *, by, now, accepted):
    _may_handle(by, complaint)
    complaint = _locked(complaint)
    if not complaint.remedy_at:
        raise TransitionNotAllowed(_("Record the remedy offered before the customer's answer."))
    complaint.customer_accepted, complaint.accepted_at = bool(accepted), now
    complaint.save(update_fields=["customer_accepted", "accepted_at"])
    return complaint


@transaction.atomic
def close_complaint(complaint, *, by, now, summary, prevention):
    """Closing needs the reply, the investigation, the remedy and the customer's answer,
    and a summary of cause and prevention (seed 001)."""
    _may_handle(by, complaint)
    summary = _text(summary, "closing_summary")
    prevention = _text(prevention, "prevention")
    complaint = _locked(complaint)
    missing = [label for done, label in (
        (complaint.replied_at, _("first reply")), (complaint.investigated_at, _("investigation")),
        (complaint.remedy_at, _("remedy")), (complaint.accepted_at, _("customer's answer"))) if not done]
    if missing:
        raise TransitionNotAllowed(_("Record these before closing: %(steps)s.") % {"steps": ", ".join(map(str, missing))})
    complaint.closing_summary, complaint.prevention = summary, prevention
    complaint.status, complaint.closed_at, complaint.closed_by, complaint.next_due_at = (
        ComplaintStatus.CLOSED, now, by, None)
    complaint.save()
    return complaint


__all__ = ["ReplyLevel"]
