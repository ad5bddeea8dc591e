"""Monthly QA sampling: a random sample of closed tickets per agent (who logged the
ticket) and per engineer (who did the job), then scored on a four-question form."""
import random
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from zoneinfo import ZoneInfo

from staff import roles
from tickets.choices import Status
from tickets.exceptions import InvalidFields, PermissionDenied
from tickets.models import Ticket

from ..choices import QaRole
from ..models import QaSample, QualitySettings
from ..models.qa import QA_SCORES


def month_bounds(month):
    tz = ZoneInfo(settings.TIME_ZONE)
    first = month.replace(day=1)
    following = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    return datetime.combine(first, time(0), tzinfo=tz), datetime.combine(following, time(0), tzinfo=tz)


def draw_sample(month, *, now, by=None, size=None, seed=None):
    """Draw (up to) `size` closed tickets of `month` per agent and per engineer not drawn
    yet; running it again tops up, never duplicates (unique month+ticket+role)."""
    if by is not None and not by.has_perm("quality.add_qasample"):
        raise PermissionDenied(_("You are not allowed to do this."))
    month = month.replace(day=1)
    size = size or QualitySettings.current().qa_sample_size
    start, end = month_bounds(month)
    closed = Ticket.objects.filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    rng = random.Random(seed)
    users = get_user_model().objects.filter(is_active=True)
    plan = [
        (QaRole.AGENT, "created_by", users.filter(groups__name=roles.AGENT)),
        (QaRole.ENGINEER, "assignee", users.filter(groups__name__in=roles.ENGINEER_ROLES)),
    ]
    samples = []
    with transaction.atomic():
        for role, field, people in plan:
            ids = closed.filter(**{f"{field}__in": people}).order_by().values_list(field, flat=True)
            for person_id in sorted(set(ids)):
                taken = set(QaSample.objects.filter(month=month, person_role=role, person_id=person_id)
                            .values_list("ticket_id", flat=True))
                wanted = size - len(taken)
                if wanted <= 0:
                    continue
                pool = sorted(set(closed.filter(**{field: person_id}).values_list("pk", flat=True)) - taken)
                for ticket_id in rng.sample(pool, min(wanted, len(pool))):
                    samples.append(QaSample(month=month, ticket_id=ticket_id, person_id=person_id,
                                            person_role=role, drawn_at=now))
        QaSample.objects.bulk_create(samples, ignore_conflicts=True)
    return len(samples)


@transaction.atomic
def score_sample(sample, *, by, now, comment="", **scores):
    if not by.has_perm("quality.change_qasample"):
        raise PermissionDenied(_("You are not allowed to do this."))
    errors, clean = {}, {}
    for name in QA_SCORES:
        try:
            value = int(scores.get(name))
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            errors[name] = _("Give a score from 1 to 5.")
        clean[name] = value
    comment = (comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("Too long (at most %(n)s characters).") % {"n": 2000}
    if errors:
        raise InvalidFields(errors)
    sample = QaSample.objects.select_for_update().get(pk=sample.pk)
    for name, value in clean.items():
        setattr(sample, name, value)
    sample.comment, sample.scored_at, sample.scored_by = comment, now, by
    sample.save()
    return sample
