"""Batch-failure alerts (issue 10 item 5): N repairs of one model with one fault code
within D days raise exactly one alert, also under concurrent intake (PostgreSQL)."""
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from quality import services
from quality.models import QualityAlert, QualitySettings
from quality.services.alerts import check_batch_failure
from staff.models import Notification
from tests.conftest import requires_postgres
from tests.factories import FaultCodeFactory, ProductModelFactory, ProductUnitFactory, TicketFactory
from tickets.exceptions import InvalidFields, PermissionDenied, TransitionNotAllowed

from .conftest import at


@pytest.fixture
def model(db):
    return ProductModelFactory(code="LP-200")


@pytest.fixture
def fault(db):
    return FaultCodeFactory(code="P01")


def repair(model, fault, when, **kw):
    unit = ProductUnitFactory(model=model)
    return TicketFactory(unit=unit, customer=unit.customer, fault_code=fault, created_at=when, **kw)


def intake(model, fault, when, capture, **kw):
    with capture(execute=True):
        return repair(model, fault, when, **kw)


def test_fifth_repair_within_seven_days_raises_one_alert_for_the_right_people(
        model, fault, tech_support, quality, spares_admin, agent, django_capture_on_commit_callbacks):
    tickets = [intake(model, fault, at(0, 10) + timedelta(days=i), django_capture_on_commit_callbacks)
               for i in range(4)]
    assert not QualityAlert.objects.exists()
    tickets.append(intake(model, fault, at(0, 10) + timedelta(days=6, hours=23), django_capture_on_commit_callbacks))
    alert = QualityAlert.objects.get()
    assert (alert.ticket_count, alert.window_start, alert.window_end) == (5, at(0, 10), at(7, 9))
    assert set(alert.tickets.all()) == set(tickets)
    for user in (tech_support, quality, spares_admin):
        assert Notification.objects.filter(recipient=user, link="/quality/alerts/").count() == 1
    assert not Notification.objects.filter(recipient=agent).exists()


def test_repairs_spread_over_more_than_seven_days_raise_nothing(model, fault):
    for i in range(5):  # days 0, 2, 4, 6, 8: never five inside seven days
        last = repair(model, fault, at(0, 10) + timedelta(days=2 * i))
        assert check_batch_failure(last.pk) is None
    assert not QualityAlert.objects.exists()


def test_exactly_the_window_edge(model, fault):
    first = repair(model, fault, at(0, 10))
    for i in range(1, 4):
        repair(model, fault, at(0, 10) + timedelta(days=i))
    last = repair(model, fault, at(0, 10) + timedelta(days=7))  # exactly D days later: first is out
    assert check_batch_failure(last.pk) is None
    assert first.created_at == last.created_at - timedelta(days=7)
    assert check_batch_failure(repair(model, fault, at(6, 10)).pk) is not None


def test_sixth_repair_in_the_same_window_raises_no_second_alert_but_five_more_do(model, fault):
    for i in range(5):
        check_batch_failure(repair(model, fault, at(0, 10) + timedelta(hours=i)).pk)
    assert QualityAlert.objects.count() == 1
    for i in range(4):
        assert check_batch_failure(repair(model, fault, at(1, 10) + timedelta(hours=i)).pk) is None
    assert check_batch_failure(repair(model, fault, at(1, 15)).pk) is not None
    assert QualityAlert.objects.count() == 2


def test_other_models_faults_and_non_repairs_are_not_counted(model, fault):
    other_model, other_fault = ProductModelFactory(), FaultCodeFactory()
    for i in range(2):
        repair(other_model, fault, at(0, 10))
        repair(model, other_fault, at(0, 10))
    repair(model, fault, at(0, 10), category="installation")
    for i in range(4):
        last = repair(model, fault, at(0, 11))
    assert check_batch_failure(last.pk) is None


def test_threshold_and_window_are_editable_by_supervisors(model, fault, supervisor, quality):
    services.update_settings(by=supervisor, batch_threshold=3, batch_window_days=2, qa_sample_size=3)
    with pytest.raises(PermissionDenied):
        services.update_settings(by=quality, batch_threshold=9, batch_window_days=9, qa_sample_size=3)
    with pytest.raises(InvalidFields):
        services.update_settings(by=supervisor, batch_threshold=1, batch_window_days=2, qa_sample_size=3)
    assert QualitySettings.current().batch_threshold == 3
    repair(model, fault, at(0, 10))
    repair(model, fault, at(1, 10))
    assert check_batch_failure(repair(model, fault, at(2, 11)).pk) is None  # first one is 2 days + 1 h back
    alert = check_batch_failure(repair(model, fault, at(2, 12)).pk)
    assert (alert.ticket_count, alert.threshold, alert.window_days) == (3, 3, 2)


def test_acknowledge_with_findings_once(model, fault, tech_support, agent):
    for i in range(5):
        last = repair(model, fault, at(0, 10 + i))
    alert = check_batch_failure(last.pk)
    with pytest.raises(PermissionDenied):
        services.acknowledge_alert(alert, by=agent, now=at(1, 9), findings="x")
    with pytest.raises(InvalidFields):
        services.acknowledge_alert(alert, by=tech_support, now=at(1, 9), findings="  ")
    services.acknowledge_alert(alert, by=tech_support, now=at(1, 9), findings="Pick-up roller batch 2611 soft")
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge_alert(alert, by=tech_support, now=at(1, 10), findings="again")
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == (tech_support, at(1, 9))


def test_a_failing_check_never_breaks_the_intake(model, fault, monkeypatch, django_capture_on_commit_callbacks):
    def broken(pk):
        raise RuntimeError("boom")

    monkeypatch.setattr("quality.services.alerts.check_batch_failure", broken)
    ticket = intake(model, fault, at(0, 10), django_capture_on_commit_callbacks)
    assert ticket.pk


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_raises_exactly_one_alert(model):
    """Five intakes commit at the same moment, in rounds with fresh fault codes: each
    round raises exactly one alert (never two from racing checks, never none because
    each check saw only its own uncommitted row)."""
    rounds = 4
    for round_ in range(rounds):
        fault = FaultCodeFactory()
        units = [ProductUnitFactory(model=model) for _ in range(5)]
        barrier, errors = threading.Barrier(5, timeout=20), []

        def take_call(unit):
            try:
                with transaction.atomic():
                    TicketFactory(unit=unit, customer=unit.customer, fault_code=fault, created_at=at(0, 10))
                    barrier.wait()  # all five commit together; the checks then run concurrently
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=take_call, args=(u,)) for u in units]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        alerts = QualityAlert.objects.filter(fault_code=fault)
        assert alerts.count() == 1, f"round {round_}: {alerts.count()} alerts"
        assert alerts.get().ticket_count == 5
