"""Ticket numbers SR-YYYY-NNNNNN (SPEC §2): sequential per year of the center's local
time, and distinct under concurrent intake (PostgreSQL row locks)."""
import re
import threading
from datetime import datetime, timezone as dt_timezone

import pytest
from django.db import connection

from tests.conftest import requires_postgres
from tests.factories import ProductUnitFactory, UserFactory
from staff import roles
from tickets import services
from tickets.choices import Category, Channel, ServiceType
from tickets.models import Ticket

NUMBER = re.compile(r"^SR-(\d{4})-(\d{6})$")


def utc(*args):
    return datetime(*args, tzinfo=dt_timezone.utc)


def create(agent, unit, now):
    return services.create_ticket(by=agent, now=now, customer=unit.customer, unit=unit, channel=Channel.PHONE,
                                  category=Category.REPAIR, service_type=ServiceType.ONSITE,
                                  duplicate_reason="test: numbering, one unit")


def test_number_format(agent, unit):
    number = create(agent, unit, utc(2026, 5, 4, 3, 0)).number
    assert NUMBER.match(number)
    assert number == "SR-2026-000001"


def test_numbers_are_sequential(agent, unit):
    numbers = [create(agent, unit, utc(2026, 5, 4, 3, minute)).number for minute in range(12)]
    assert numbers == [f"SR-2026-{n:06d}" for n in range(1, 13)]


def test_numbering_restarts_each_year(agent, unit):
    assert create(agent, unit, utc(2026, 6, 1)).number == "SR-2026-000001"
    assert create(agent, unit, utc(2026, 6, 2)).number == "SR-2026-000002"
    assert create(agent, unit, utc(2027, 6, 1)).number == "SR-2027-000001"
    # A late ticket for the previous year continues that year's counter.
    assert create(agent, unit, utc(2026, 6, 3)).number == "SR-2026-000003"
    assert create(agent, unit, utc(2027, 6, 2)).number == "SR-2027-000002"


def test_year_is_taken_in_the_centers_local_time(agent, unit):
    # 2026-12-31T16:30Z is 2027-01-01 00:30 in Asia/Shanghai.
    assert create(agent, unit, utc(2026, 12, 31, 15, 59)).number == "SR-2026-000001"
    assert create(agent, unit, utc(2026, 12, 31, 16, 30)).number == "SR-2027-000001"


def test_number_is_zero_padded_to_six_digits(agent, unit):
    from tickets.models import TicketSequence

    TicketSequence.objects.create(year=2026, last=999_998)
    assert create(agent, unit, utc(2026, 5, 4)).number == "SR-2026-999999"


THREADS = 8
PER_THREAD = 5


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_intakes_get_distinct_consecutive_numbers():
    agent = UserFactory(username="agent-concurrent", roles=[roles.AGENT])
    unit = ProductUnitFactory()
    now = utc(2026, 8, 8, 2, 0)
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []
    lock = threading.Lock()

    def intake():
        try:
            barrier.wait(timeout=30)
            for _ in range(PER_THREAD):
                number = create(agent, unit, now).number
                with lock:
                    numbers.append(number)
        except Exception as exc:  # collected and asserted below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(numbers) == [f"SR-2026-{n:06d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert Ticket.objects.count() == THREADS * PER_THREAD
