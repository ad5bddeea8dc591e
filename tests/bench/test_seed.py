"""The benchmark seed (issue 12): the data shape at a small scale, and data that agrees
with itself (flags, raised levels and escalations), so the sweep is idle after seeding."""
import pytest
from django.db.models import Count, F
from django.utils import timezone

from bench import seed
from tests.conftest import requires_postgres
from tickets.choices import OPEN_STATUSES
from tickets.escalations import sweep
from tickets.models import Escalation, SlaClock, Ticket

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_seed_shape_and_consistency():
    now = timezone.now()
    result = seed.seed(0.002, now=now, log=lambda *_: None, vacuum=False)
    assert result["tickets"] == 2000 and result["customers"] == 600 and result["units"] == 742
    assert result["open_tickets"] == Ticket.objects.filter(status__in=OPEN_STATUSES).count() == 10
    assert result["clocks"] > 2 * result["tickets"] and result["escalations"] > 0 and result["events"] > 0
    assert 0 < result["unacknowledged"] < result["escalations"]
    # a ticket is flagged exactly when it has escalations of that kind
    breached = set(Escalation.objects.exclude(level="warning").values_list("ticket_id", flat=True))
    warned = set(Escalation.objects.values_list("ticket_id", flat=True))
    assert set(Ticket.objects.filter(sla_breached=True).values_list("id", flat=True)) == breached
    assert set(Ticket.objects.filter(sla_warned=True).values_list("id", flat=True)) == warned
    # each clock raised as many levels as it has escalations, and nothing is due
    mismatched = SlaClock.objects.annotate(n=Count("escalations")).exclude(n=F("raised"))
    assert not mismatched.exists()
    assert not SlaClock.objects.filter(next_due_at__lte=now).exists()
    assert sweep(now=now) == 0
    # each year's counter continues after the numbers seeded in it
    last = Ticket.objects.order_by("-id").values_list("number", flat=True).first()
    year, number = last.split("-")[1:]
    from tickets.models import TicketSequence

    assert TicketSequence.objects.get(year=int(year)).last == int(number)
    # every job with an outcome of work has its completion, and completions, stopped clocks
    # and tickets carry the report dimensions the reports read instead of joining tickets
    from tickets.models import Completion

    worked = Ticket.objects.filter(completed_at__isnull=False,
                                   outcome__in=("repaired", "replaced", "no_fault_found", "unrepairable"))
    assert Completion.objects.count() == worked.count() > 0
    assert not Completion.objects.exclude(d_model=F("ticket__unit__model")).exists()
    assert not Completion.objects.exclude(d_category=F("ticket__category")).exists()
    assert not Completion.objects.exclude(d_area=F("ticket__customer__area")).exists()
    placed = Completion.objects.filter(ticket__service_point__isnull=False)
    assert placed.exists() and not placed.exclude(d_service_point=F("ticket__service_point")).exists()
    assert not SlaClock.objects.filter(stopped_at__isnull=False, ticket__service_point__isnull=False).exclude(
        d_service_point=F("ticket__service_point")).exists()
    assert not SlaClock.objects.filter(stopped_at__isnull=False).exclude(d_service_type=F("ticket__service_type")).exists()
    assert not Ticket.objects.filter(unit__isnull=False).exclude(d_model=F("unit__model")).exists()
    assert Ticket.objects.filter(d_model__isnull=False).count() == Ticket.objects.filter(unit__isnull=False).count()
    # the newer report sections have data: parts issued, RMAs with milestones, callbacks, complaints
    from quality.models import Callback, Complaint
    from spares.models import Rma, RmaMilestone, StockMove

    assert StockMove.objects.filter(kind="issue").count() > 0 and StockMove.objects.filter(kind="return").exists()
    assert Rma.objects.count() > 0 and RmaMilestone.objects.count() == 4 * Rma.objects.count()
    assert Callback.objects.filter(result="answered").count() > 0 and Complaint.objects.count() > 0
