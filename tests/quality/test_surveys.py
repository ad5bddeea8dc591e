"""The public survey link (issue 10 item 2): single-use, expiring, unguessable, bound
to one ticket, no login, rate limited, in the customer's language."""
import secrets
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from quality import services
from quality.models import Callback, SurveyLink
from quality.services.surveys import hash_token
from tickets.choices import CloseReason, Status
from tickets.exceptions import PermissionDenied, TransitionNotAllowed
from tickets.models import Ticket

from .conftest import at

ANSWER = {"attitude": "5", "speed": "4", "repair_quality": "5", "comment": "很好"}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(completed, agent):
    _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14), language="zh-hans")
    return _link, url.split("127.0.0.1:8000", 1)[-1].replace("http://testserver", "")


def path_of(url):
    return "/" + url.split("/", 3)[3]


def test_link_is_random_and_only_its_hash_is_stored(completed, agent):
    first, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    assert first.token_hash == hash_token(token) and token not in first.token_hash
    assert f"/survey/{completed.number}/{token}/" in url


def test_customer_answers_without_login_in_their_language_and_the_ticket_closes(client, completed, agent):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14), language="zh-hans")
        page = client.get(path_of(url))
        assert page.status_code == 200
        body = page.content.decode()
        assert "服务" in body and page["Content-Language"] == "zh-hans"
        assert completed.customer.name not in body and "csrfmiddlewaretoken" in body
        assert page["Referrer-Policy"] == "same-origin"
        done = client.post(path_of(url), ANSWER)
    assert done.status_code == 200
    callback = Callback.objects.get()
    assert (callback.channel, callback.result, callback.attitude, callback.by) == ("survey", "answered", 5, None)
    ticket = Ticket.objects.get(pk=completed.pk)
    assert (ticket.status, ticket.close_reason) == (Status.CLOSED, CloseReason.CALLBACK_DONE)
    assert SurveyLink.objects.get().used_at == at(0, 15)


def test_english_link_shows_english(client, completed, agent):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14), language="en")
        assert "How did we do?" in client.get(path_of(url)).content.decode()


def test_a_used_link_cannot_be_used_again(client, completed, agent):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
        assert client.post(path_of(url), ANSWER).status_code == 200
        assert client.get(path_of(url)).status_code == 410
        assert client.post(path_of(url), {**ANSWER, "attitude": "1"}).status_code == 410
    assert Callback.objects.count() == 1


def test_an_expired_link_is_refused(client, completed, agent, settings):
    _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
    with time_machine.travel(at(0, 14) + timedelta(days=settings.SURVEY_LINK_DAYS), tick=False):
        assert client.get(path_of(url)).status_code == 410
        assert client.post(path_of(url), ANSWER).status_code == 410
    with time_machine.travel(at(0, 14) + timedelta(days=settings.SURVEY_LINK_DAYS, seconds=-1), tick=False):
        assert client.get(path_of(url)).status_code == 200
    assert Ticket.objects.get(pk=completed.pk).status == Status.COMPLETED


def test_another_tickets_token_is_not_found(client, ticket_in, agent):
    first, second = ticket_in(), ticket_in()
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(first, by=agent, now=at(0, 14))
        token = url.rstrip("/").rsplit("/", 1)[1]
        response = client.post(f"/survey/{second.number}/{token}/", ANSWER)
    assert response.status_code == 404
    assert not Callback.objects.exists()
    assert Ticket.objects.get(pk=second.pk).status == Status.COMPLETED


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t[:-2],  # shortened
    lambda t: t + "x",  # lengthened
    lambda t: t.upper(),
    lambda t: "x" * 300,  # absurdly long
])
def test_a_tampered_token_is_not_found(client, completed, agent, tamper):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
        token = url.rstrip("/").rsplit("/", 1)[1]
        assert client.post(f"/survey/{completed.number}/{tamper(token)}/", ANSWER).status_code == 404
    assert not Callback.objects.exists()


def test_guessing_finds_nothing_and_is_rate_limited(client, completed, agent, settings):
    settings.SURVEY_RATE_PER_MINUTE = 5
    with time_machine.travel(at(0, 15), tick=False):
        services.issue_survey_link(completed, by=agent, now=at(0, 14))
        codes = [client.get(f"/survey/{completed.number}/{secrets.token_urlsafe(32)}/").status_code
                 for _ in range(7)]
    assert codes == [404] * 5 + [429] * 2


def test_rate_limit_resets_the_next_minute(client, completed, agent, settings):
    settings.SURVEY_RATE_PER_MINUTE = 1
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
        assert client.get(path_of(url)).status_code == 200
        assert client.get(path_of(url)).status_code == 429
    with time_machine.travel(at(0, 15, 1), tick=False):
        assert client.get(path_of(url)).status_code == 200


def test_a_new_link_replaces_the_old_one(client, completed, agent):
    with time_machine.travel(at(0, 15), tick=False):
        _old, old_url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
        _new, new_url = services.issue_survey_link(completed, by=agent, now=at(0, 14, 30))
        assert client.get(path_of(old_url)).status_code == 410
        assert client.get(path_of(new_url)).status_code == 200


def test_link_after_a_phone_callback_closed_the_ticket_is_gone(client, completed, agent, dispatcher):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14))
        services.record_callback(completed, by=dispatcher, now=at(0, 14, 30), result="answered",
                                 attitude=4, speed=4, repair_quality=4)
        assert client.post(path_of(url), ANSWER).status_code == 410
    assert Callback.objects.count() == 1


def test_bad_scores_show_the_form_again(client, completed, agent):
    with time_machine.travel(at(0, 15), tick=False):
        _link, url = services.issue_survey_link(completed, by=agent, now=at(0, 14), language="en")
        response = client.post(path_of(url), {"attitude": "9", "speed": "", "repair_quality": "3"})
    assert response.status_code == 400
    assert not Callback.objects.exists()


def test_link_is_emailed_in_the_customers_language(completed, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_survey_link(completed, by=agent, now=at(0, 14), language="en", email="c@example.com")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["c@example.com"]
    assert f"/survey/{completed.number}/" in mail.outbox[0].body


def test_only_completed_tickets_and_allowed_roles_get_links(ticket_in, agent, engineer):
    with pytest.raises(TransitionNotAllowed):
        services.issue_survey_link(ticket_in(Status.DISPATCHED), by=agent, now=at(0, 14))
    with pytest.raises(PermissionDenied):
        services.issue_survey_link(ticket_in(), by=engineer, now=at(0, 14))
