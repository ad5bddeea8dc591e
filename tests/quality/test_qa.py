"""QA sampling (issue 10 item 6): a monthly random sample per agent and per engineer,
scored on four questions, results per person and month."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quality import services
from quality.models import QaSample
from quality.selectors import qa_results
from quality.tasks import draw_last_month_qa_sample
from tests.tickets.test_lifecycle import Clock, drive_to
from tickets.choices import Status
from tickets.exceptions import InvalidFields, PermissionDenied

SH = ZoneInfo("Asia/Shanghai")
SCORES = {"call_handling": 4, "diagnosis": 5, "report_completeness": 3, "customer_care": 4}


@pytest.fixture
def closed_in_october(make_ticket, cast):
    def make(count):
        clock = Clock(datetime(2026, 10, 5, 9, 0, tzinfo=SH))
        return [drive_to(Status.CLOSED, make_ticket(now=clock.now), cast, clock) for _ in range(count)]

    return make


def test_draws_the_sample_size_per_agent_and_per_engineer_once(closed_in_october, agent, engineer, quality):
    tickets = closed_in_october(4)
    assert services.draw_sample(date(2026, 10, 1), by=quality, now=datetime(2026, 11, 1, tzinfo=SH), size=3,
                                seed=7) == 6
    rows = QaSample.objects.all()
    assert rows.filter(person=agent, person_role="agent").count() == 3
    assert rows.filter(person=engineer, person_role="engineer").count() == 3
    assert set(rows.values_list("ticket", flat=True)) <= {t.pk for t in tickets}
    assert services.draw_sample(date(2026, 10, 15), now=datetime(2026, 11, 1, tzinfo=SH), size=3) == 0  # rerun
    assert services.draw_sample(date(2026, 10, 1), now=datetime(2026, 11, 1, tzinfo=SH), size=4) == 2  # top-up
    assert set(rows.values_list("month", flat=True)) == {date(2026, 10, 1)}


def test_only_tickets_closed_in_that_month_are_drawn(closed_in_october, quality):
    closed_in_october(2)
    assert services.draw_sample(date(2026, 9, 1), now=datetime(2026, 11, 1, tzinfo=SH)) == 0
    assert services.draw_sample(date(2026, 11, 1), now=datetime(2026, 11, 1, tzinfo=SH)) == 0


def test_sample_size_comes_from_the_settings(closed_in_october, supervisor):
    closed_in_october(3)
    services.update_settings(by=supervisor, batch_threshold=5, batch_window_days=7, qa_sample_size=1)
    assert services.draw_sample(date(2026, 10, 1), now=datetime(2026, 11, 1, tzinfo=SH)) == 2


def test_monthly_task_draws_last_month(closed_in_october):
    closed_in_october(1)
    with time_machine.travel(datetime(2026, 11, 1, 1, 30, tzinfo=SH), tick=False):
        assert draw_last_month_qa_sample() == 2


def test_scoring_needs_all_four_scores_and_the_permission(closed_in_october, quality, agent):
    closed_in_october(1)
    services.draw_sample(date(2026, 10, 1), now=datetime(2026, 11, 1, tzinfo=SH))
    sample = QaSample.objects.filter(person_role="engineer").get()
    with pytest.raises(PermissionDenied):
        services.score_sample(sample, by=agent, now=datetime(2026, 11, 2, tzinfo=SH), **SCORES)
    with pytest.raises(InvalidFields) as refusal:
        services.score_sample(sample, by=quality, now=datetime(2026, 11, 2, tzinfo=SH),
                              **{**SCORES, "diagnosis": 6})
    assert "diagnosis" in refusal.value.errors
    services.score_sample(sample, by=quality, now=datetime(2026, 11, 2, tzinfo=SH), **SCORES, comment="ok")
    sample.refresh_from_db()
    assert (sample.diagnosis, sample.scored_by, sample.average) == (5, quality, 4.0)


def test_results_per_person_and_month(closed_in_october, quality, engineer):
    closed_in_october(2)
    services.draw_sample(date(2026, 10, 1), now=datetime(2026, 11, 1, tzinfo=SH))
    for i, sample in enumerate(QaSample.objects.filter(person=engineer)):
        services.score_sample(sample, by=quality, now=datetime(2026, 11, 2, tzinfo=SH),
                              **{**SCORES, "diagnosis": 3 + 2 * i})
    row = next(r for r in qa_results(month=date(2026, 10, 1)) if r["person_role"] == "engineer")
    assert (row["samples"], row["scored"], row["avg_diagnosis"]) == (2, 2, 4.0)
