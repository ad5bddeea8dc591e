"""Timeline events and inbox notifications are stored as data (text kind + params) and
rendered in the reader's language (issue 7 item 11). 2026-11-23 is a Monday."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from staff.models import Notification
from staff.texts import register, render
from tickets import escalations, services
from tickets.choices import EventKind
from tickets.models import TicketEvent
from tickets.templatetags.ticket_ui import event_text

SH = ZoneInfo("Asia/Shanghai")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def sh(d, hh, mm=0):
    return datetime(2026, 11, d, hh, mm, tzinfo=SH)


@pytest.fixture
def monday_ticket(make_ticket):
    return make_ticket(now=sh(23, 9))


def _page(client, user, ticket, **headers):
    client.force_login(user)
    return client.get(reverse("tickets:ticket_detail", args=[ticket.number]), **headers).content.decode()


def test_sweep_event_is_stored_as_data_not_an_english_sentence(monday_ticket):
    escalations.sweep(now=sh(23, 12))  # 75 % of the 4 h response clock
    event = TicketEvent.objects.get(ticket=monday_ticket, kind=EventKind.SLA_WARNING)
    assert event.message == ""
    assert event.data["text"] == "sla_raised"
    assert event.data["params"] == {"level": "warning", "clock": "response", "number": monday_ticket.number}


def test_chinese_reader_sees_the_sweep_event_in_chinese(monday_ticket, supervisor, client, settings):
    settings.LANGUAGE_CODE = "en"  # the sweep's worker writes in English
    with translation.override("en"):
        escalations.sweep(now=sh(23, 13))
    html = _page(client, supervisor, monday_ticket, **ZH)
    assert "一级" in html and "响应" in html  # Level 1 · Response clock
    assert "Level 1: Response clock" not in html
    english = _page(client, supervisor, monday_ticket, HTTP_ACCEPT_LANGUAGE="en")
    assert f"Level 1: Response clock of {monday_ticket.number}" in english


def test_inbox_renders_the_notification_in_the_readers_language(monday_ticket, supervisor, client):
    with translation.override("en"):
        escalations.sweep(now=sh(23, 13))
    note = Notification.objects.get(recipient=supervisor, kind="escalation")
    assert (note.title, note.text) == ("", "sla_raised")
    assert note.params["customer"] == monday_ticket.customer.name
    client.force_login(supervisor)
    html = client.get(reverse("staff:inbox"), **ZH).content.decode()
    assert "一级" in html and "Level 1:" not in html
    assert "客户" in html


def test_escalation_email_is_rendered(monday_ticket, supervisor, mailoutbox, settings,
                                      django_capture_on_commit_callbacks):
    from aftersales.celery import app

    settings.LANGUAGE_CODE = "en"
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:  # issue 12: the set-based sweep queues its e-mails after commit
        with django_capture_on_commit_callbacks(execute=True):
            escalations.sweep(now=sh(23, 13))
    finally:
        app.conf.task_always_eager = eager
    message = next(m for m in mailoutbox if supervisor.email in m.to)
    assert message.subject == f"Level 1: Response clock of {monday_ticket.number}"
    assert message.body.startswith(f"Customer: {monday_ticket.customer.name}")


def test_escalation_texts_gives_the_bulk_sweep_event_and_notification(monday_ticket):
    from tickets.texts import escalation_texts

    event, note = escalation_texts(ticket=monday_ticket, clock_kind="completion", level="level_2",
                                   due_at=sh(23, 18), escalation_id=7)
    assert event["kind"] == EventKind.ESCALATION and event["data"]["escalation"] == 7
    assert note["kind"] == "escalation" and note["text"] == "sla_raised"
    with translation.override("zh-hans"):
        assert render(note["text"], note["params"]) == f"二级升级：{monday_ticket.number} 的完成时限"


def test_reassignment_shows_from_and_to(monday_ticket, dispatcher, engineer, other_engineer, client):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9, 30))
    services.reassign_ticket(monday_ticket, other_engineer, by=dispatcher, now=sh(23, 10), reason="Closer",
                             expected_assignee_id=engineer.pk)
    event = monday_ticket.events.filter(kind=EventKind.ASSIGNMENT).last()
    a, b = engineer.get_full_name(), other_engineer.get_full_name()
    with translation.override("en"):
        assert event_text(event) == f"Reassigned from {a} to {b}"
    with translation.override("zh-hans"):
        assert event_text(event) == f"从 {a} 改派给 {b}"
    assert event.message == "Closer"


def test_start_after_arrival_shows_work_started_without_a_fake_status_change(
        monday_ticket, dispatcher, engineer, client):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9, 30))
    services.arrive(monday_ticket, by=engineer, now=sh(23, 9, 45))
    services.start_work(monday_ticket, by=engineer, now=sh(23, 9, 50))
    html = _page(client, dispatcher, monday_ticket, HTTP_ACCEPT_LANGUAGE="en")
    assert "Work started" in html
    assert "In progress → In progress" not in html
    assert "Dispatched → In progress" in html  # the arrival really moved it


def test_system_events_say_system(monday_ticket, dispatcher, client):
    escalations.sweep(now=sh(23, 12))
    html = _page(client, dispatcher, monday_ticket, HTTP_ACCEPT_LANGUAGE="en")
    assert "by system" in html and "by —" not in html
    assert "操作人 系统" in _page(client, dispatcher, monday_ticket, **ZH)


def test_old_rows_keep_their_stored_text(monday_ticket, dispatcher, client, now):
    TicketEvent.objects.create(ticket=monday_ticket, kind=EventKind.ESCALATION, at=now,
                               message="Level 1: Response clock of an old row",
                               data={"clock": "response", "level": "level_1"})
    Notification.objects.create(recipient=dispatcher, title="Old title", body="Old body", created_at=now)
    assert "Level 1: Response clock of an old row" in _page(client, dispatcher, monday_ticket, **ZH)
    inbox = client.get(reverse("staff:inbox"), **ZH).content.decode()
    assert "Old title" in inbox and "Old body" in inbox


def test_api_events_carry_the_text_in_the_request_language(monday_ticket, dispatcher, engineer, api_client):
    services.assign_ticket(monday_ticket, engineer, by=dispatcher, now=sh(23, 9, 30))
    response = api_client(dispatcher).get(f"/api/tickets/{monday_ticket.number}/events/", **ZH)
    texts = [e["text"] for e in response.json()]
    assert f"已派给 {engineer.get_full_name()}" in texts


def test_a_new_kind_is_one_registered_renderer():
    @register("test_only_kind")
    def _render(p):
        return f"hello {p['who']}"

    assert render("test_only_kind", {"who": "Li"}) == "hello Li"
    assert render("test_only_kind", {}) == "hello "  # a missing parameter never raises
    assert render("unknown_kind", {}, fallback="stored") == "stored"
