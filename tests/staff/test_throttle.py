"""Login throttling (SPEC §11, issue 8 item 9) on django-axes in the database: per account
and per client address separately, the address from the configured proxy header only,
shared by every worker (no cache involved), locks that expire."""
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db
GOOD = "pass-word-123"


def attempt(username, password="wrong", address="10.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post("/login/", {"username": username, "password": password})


def test_an_account_locks_after_the_limit_from_any_address(agent, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        assert attempt("agent", address=f"10.0.0.{n}").status_code in (200, 429)
    locked = attempt("agent", GOOD, address="10.9.9.9")
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    assert attempt("AGENT", GOOD, address="10.9.9.8").status_code == 429  # same account, any case


def test_one_users_failures_do_not_lock_the_others_behind_the_same_address(agent, dispatcher, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt("agent")
    assert attempt("dispatcher", GOOD).status_code == 302  # colleague on the same office address


def test_an_address_locks_after_its_own_limit_for_any_account(dispatcher, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(8):
        attempt(f"guess{n}", address="10.0.0.66")
    assert attempt("dispatcher", GOOD, address="10.0.0.66").status_code == 429
    assert attempt("dispatcher", GOOD, address="10.0.0.67").status_code == 302


def test_the_address_comes_from_the_configured_proxy_header_only(agent, dispatcher, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    # No header configured: a spoofed X-Forwarded-For is ignored, the peer address counts.
    for n in range(3):
        attempt(f"guess{n}", address="10.0.0.5", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    assert attempt("dispatcher", GOOD, address="10.0.0.5", HTTP_X_FORWARDED_FOR="9.9.9.9").status_code == 429
    # Behind the proxy: every request comes from the proxy; the header tells clients apart.
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for n in range(3):
        attempt(f"other{n}", address="172.16.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert attempt("dispatcher", GOOD, address="172.16.0.1", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    assert attempt("dispatcher", GOOD, address="172.16.0.1", HTTP_X_REAL_IP="203.0.113.8").status_code == 302


def test_failures_are_in_the_database_not_the_cache(agent, settings):
    attempt("agent")
    cache.clear()  # a worker with another (or a broken) cache sees the same count
    assert AccessAttempt.objects.filter(username="agent").exists()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt("agent")
    cache.clear()
    assert attempt("agent", GOOD).status_code == 429


def test_the_lock_expires_after_the_cooldown(agent, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt("agent")
        assert attempt("agent", GOOD).status_code == 429
        traveller.shift(timedelta(seconds=settings.LOGIN_COOLDOWN_SECONDS + 1))
        assert attempt("agent", GOOD).status_code == 302


def test_a_good_sign_in_below_the_limit_works(agent):
    attempt("agent")
    assert attempt("agent", GOOD).status_code == 302
