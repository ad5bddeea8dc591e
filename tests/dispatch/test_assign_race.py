"""Two dispatchers assign the same ticket at the same moment: exactly one wins."""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from staff import roles
from tests.conftest import requires_postgres
from tests.factories import UserFactory
from tickets import services
from tickets.exceptions import Conflict
from tickets.models import Ticket

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_second_dispatcher_gets_conflict(make_ticket, engineer, other_engineer):
    second_dispatcher = UserFactory(username="dispatcher2", roles=[roles.DISPATCHER])
    first_dispatcher = UserFactory(username="dispatcher1", roles=[roles.DISPATCHER])
    for round_ in range(5):  # several rounds: the interleaving differs each time
        ticket = make_ticket()
        barrier, outcomes = threading.Barrier(2), []

        def assign(dispatcher, chosen):
            try:
                barrier.wait()
                services.assign_ticket(Ticket.objects.get(pk=ticket.pk), chosen, by=dispatcher, now=timezone.now())
                outcomes.append("won")
            except Conflict as refusal:
                outcomes.append(str(refusal))
            finally:
                connection.close()

        threads = [threading.Thread(target=assign, args=(first_dispatcher, engineer)),
                   threading.Thread(target=assign, args=(second_dispatcher, other_engineer))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
        loser_message = next(o for o in outcomes if o != "won")
        assert "already assigned" in loser_message
        ticket.refresh_from_db()
        assert ticket.assignee in (engineer, other_engineer)
        assert ticket.events.filter(kind="assignment").count() == 1
        assert ticket.clocks.filter(kind="completion").count() == 1
