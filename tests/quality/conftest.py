"""Quality fixtures: tickets driven through the real services on a fixed working week
(Monday 2026-11-02 09:00 in Shanghai; Mon–Fri 09:00–18:00 is the default calendar)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from staff import roles
from tests.factories import UserFactory
from tests.tickets.test_lifecycle import Cast, Clock, drive_to  # noqa: F401
from tickets.choices import Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def at(day, hour, minute=0):
    """A local time in the test week: at(0, 10) is Monday 10:00 (day 5 = Saturday)."""
    return MONDAY_9.replace(day=2 + day, hour=hour, minute=minute)


@pytest.fixture
def cast(agent, dispatcher, engineer, spares_admin):
    return Cast(agent=agent, dispatcher=dispatcher, engineer=engineer, spares_admin=spares_admin)


@pytest.fixture
def clock():
    return Clock(MONDAY_9)


@pytest.fixture
def ticket_in(make_ticket, cast, clock):
    def make(status=Status.COMPLETED, **fields):
        ticket = make_ticket(now=clock.now, **fields)
        return drive_to(status, ticket, cast, clock)

    return make


@pytest.fixture
def completed(ticket_in):
    """A ticket completed on Monday 09:40 (callback due Tuesday 09:40)."""
    return ticket_in()


@pytest.fixture
def sales_lead(db):
    return UserFactory(username="sales", roles=[roles.SALES_LEAD])
