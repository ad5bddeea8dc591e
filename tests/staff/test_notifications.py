"""The in-app inbox: one row per recipient, optional email, read marks only one's own."""
import pytest
from django.core import mail

from staff.models import Notification
from staff.services import mark_read, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return [UserFactory(username=f"person{n}") for n in range(3)]


def test_one_row_per_recipient(people, now):
    count = notify(people + [None], title="Ticket SR-2026-000001 breached", body="Response SLA", now=now,
                   link="/tickets/SR-2026-000001/", kind=Notification.Kind.ESCALATION)
    assert count == 3
    rows = Notification.objects.order_by("recipient_id")
    assert [row.recipient for row in rows] == sorted(people, key=lambda u: u.pk)
    assert {(r.title, r.body, r.link, r.kind, r.created_at, r.read_at) for r in rows} == {
        ("Ticket SR-2026-000001 breached", "Response SLA", "/tickets/SR-2026-000001/",
         Notification.Kind.ESCALATION, now, None)}


def test_no_email_unless_asked(people, now):
    notify(people, title="FYI", now=now)
    assert mail.outbox == []


def test_email_goes_to_recipients_with_an_address(people, now):
    no_address = UserFactory(username="no-mail", email="")
    notify(people + [no_address], title="Escalation", body="Breached", link="/x/", now=now, email=True)
    assert len(mail.outbox) == len(people)  # one message each: nobody sees the others' addresses
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    assert all(len(m.to) == 1 and m.subject == "Escalation" for m in mail.outbox)
    assert all("Breached" in m.body and m.body.endswith("/x/") and "://" in m.body for m in mail.outbox)
    assert Notification.objects.count() == 4  # the inbox row is written even without an address


def test_nobody_to_notify_writes_nothing(now):
    assert notify([None], title="x", now=now, email=True) == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_mark_read_touches_only_the_users_own_unread(people, now):
    me, other = people[0], people[1]
    notify([me, other], title="A", now=now)
    notify([me], title="B", now=now)
    mine = list(Notification.objects.filter(recipient=me).values_list("pk", flat=True))
    theirs = Notification.objects.get(recipient=other)

    later = now.replace(microsecond=0)
    assert mark_read(me, mine + [theirs.pk], now=later) == 2
    assert set(Notification.objects.filter(recipient=me).values_list("read_at", flat=True)) == {later}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_keeps_the_first_read_time(people, now):
    from datetime import timedelta

    notify([people[0]], title="A", now=now)
    pk = Notification.objects.get().pk
    assert mark_read(people[0], [pk], now=now) == 1
    assert mark_read(people[0], [pk], now=now + timedelta(hours=1)) == 0
    assert Notification.objects.get().read_at == now
