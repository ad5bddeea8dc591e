"""Reads of the quality department: queues, lists, the dashboard and per-person results,
all computed in SQL (reports count the same columns)."""
from django.conf import settings
from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from tickets.choices import Status
from tickets.models import ClockKind, Completion, SlaClock, Ticket

from .choices import FAILED_RESULTS, ComplaintStatus, Severity
from .models import Callback, Complaint, QaSample, QualityAlert


def _failed_days(ticket_ref="pk"):
    return Coalesce(Subquery(
        Callback.objects.filter(ticket=OuterRef(ticket_ref), cycle=OuterRef("reopen_count"),
                                result__in=FAILED_RESULTS, working_day__isnull=False)
        .order_by().values("ticket").annotate(n=Count("working_day", distinct=True)).values("n"),
        output_field=IntegerField()), Value(0))


def unreachable_tickets(*, completed_before):
    """Completed tickets with enough failed attempts on different working days."""
    return (Ticket.objects.filter(status=Status.COMPLETED, completed_at__lte=completed_before)
            .annotate(failed_days=_failed_days())
            .filter(failed_days__gte=settings.CALLBACK_UNREACHABLE_ATTEMPTS))


def callback_queue():
    """Completed tickets waiting for their callback, the most urgent deadline first."""
    clock = SlaClock.objects.filter(ticket=OuterRef("pk"), kind=ClockKind.CALLBACK, cycle=OuterRef("reopen_count"))
    attempts = (Callback.objects.filter(ticket=OuterRef("pk"), cycle=OuterRef("reopen_count")).order_by()
                .values("ticket").annotate(n=Count("pk")).values("n"))
    return (Ticket.objects.filter(status=Status.COMPLETED)
            .select_related("customer", "assignee", "unit__model")
            .annotate(callback_due=Subquery(clock.values("due_at")[:1]),
                      attempts=Coalesce(Subquery(attempts, output_field=IntegerField()), Value(0)),
                      failed_days=_failed_days())
            .order_by(F("callback_due").asc(nulls_last=True), "completed_at", "pk"))


def low_scores(*, open_only=True):
    rows = Callback.objects.filter(is_low_score=True).select_related("ticket__customer", "ticket__assignee", "by")
    if open_only:
        rows = rows.filter(follow_up_done_at__isnull=True)
    return rows.order_by("-attempted_at", "-pk")


def visible_complaints(user):
    rows = Complaint.objects.select_related("customer", "ticket", "owner")
    if user.has_perm("quality.view_all_complaints"):
        return rows
    return rows.filter(task_force__user=user)


def task_force_complaints(user):
    return (Complaint.objects.filter(task_force__user=user).select_related("customer", "ticket", "owner")
            .order_by(F("closed_at").asc(nulls_first=True), "reply_due_at"))


def open_complaints():
    return Complaint.objects.exclude(status=ComplaintStatus.CLOSED)


def repeat_repairs():
    """Repeat repairs (issue 7 item 5): completions whose fault came back within seed
    002's window (72 h software; 7 days hardware with no part replaced), each with the
    engineer of the failed job and the work that redid it."""
    redo = Completion.objects.filter(repeat_of=OuterRef("pk")).order_by("sequence")
    return (Completion.objects.filter(failed=True)
            .select_related("ticket__customer", "ticket__unit__model", "engineer")
            .annotate(redo_sequence=Subquery(redo.values("sequence")[:1]),
                      redo_engineer=Subquery(redo.values("engineer__username")[:1]))
            .order_by("-reopened_at", "-pk"))


def linked_repeat_tickets():
    """New tickets logged as a repeat of an earlier ticket (Ticket.repeat_of)."""
    return (Ticket.objects.filter(repeat_of__isnull=False)
            .select_related("repeat_of__assignee", "unit__model", "customer", "assignee")
            .order_by("-created_at", "-pk"))


def repeat_counts(rows):
    """Per engineer (of the failed job) and per model."""
    per_engineer = (rows.order_by().values(engineer_name=F("engineer__username"))
                    .annotate(n=Count("pk")).order_by("-n", "engineer_name"))
    per_model = (rows.order_by().values(model=F("ticket__unit__model__code"))
                 .annotate(n=Count("pk")).order_by("-n", "model"))
    return list(per_engineer), list(per_model)


def satisfaction_summary(*, since=None):
    rows = Callback.objects.filter(result="answered")
    if since:
        rows = rows.filter(attempted_at__gte=since)
    return rows.aggregate(n=Count("pk"), avg_attitude=Avg("attitude"), avg_speed=Avg("speed"),
                          avg_repair_quality=Avg("repair_quality"),
                          satisfied=Count("pk", filter=Q(attitude__gte=4, speed__gte=4, repair_quality__gte=4)),
                          low=Count("pk", filter=Q(is_low_score=True)))


def dashboard(*, now):
    open_rows = open_complaints()
    return {
        "complaints": open_rows.aggregate(
            general=Count("pk", filter=Q(severity=Severity.GENERAL)),
            major=Count("pk", filter=Q(severity=Severity.MAJOR)),
            overdue=Count("pk", filter=Q(replied_at__isnull=True, reply_due_at__lt=now))),
        "next_complaints": open_rows.select_related("customer", "owner").order_by("reply_due_at")[:10],
        "alerts": QualityAlert.objects.filter(acknowledged_at__isnull=True).select_related(
            "product_model", "fault_code")[:10],
        "low_scores": low_scores()[:10],
        "repeats": repeat_repairs()[:10],
        "satisfaction": satisfaction_summary(),
        "callbacks_waiting": Ticket.objects.filter(status=Status.COMPLETED).count(),
    }


def qa_results(*, month=None):
    """Average scores per person, role and month (scored samples only)."""
    rows = QaSample.objects.all()
    if month:
        rows = rows.filter(month=month)
    return (rows.values("month", "person_role", "person__username", "person__first_name", "person__last_name")
            .annotate(samples=Count("pk"), scored=Count("pk", filter=Q(scored_at__isnull=False)),
                      avg_call_handling=Avg("call_handling"), avg_diagnosis=Avg("diagnosis"),
                      avg_report_completeness=Avg("report_completeness"), avg_customer_care=Avg("customer_care"))
            .order_by("-month", "person_role", "person__username"))
