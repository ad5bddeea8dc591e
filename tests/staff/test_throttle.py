"""Login throttling (SPEC §11): lock after LOGIN_FAILURE_LIMIT failures per username or
address; a broken cache must never lock anybody out."""
from unittest import mock

import pytest
from django.core.cache import cache

from staff import throttle


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def fail(times, username="li.wei", address="10.0.0.1"):
    for _ in range(times):
        throttle.record_failure(username, address)


def test_locks_after_the_failure_limit(settings):
    fail(settings.LOGIN_FAILURE_LIMIT - 1)
    assert not throttle.is_locked("li.wei", "10.0.0.1")
    fail(1)
    assert throttle.is_locked("li.wei", "10.0.0.1")


@pytest.mark.parametrize("limit", [1, 3])
def test_limit_comes_from_settings(limit, settings):
    settings.LOGIN_FAILURE_LIMIT = limit
    fail(limit - 1)
    assert not throttle.is_locked("li.wei", "10.0.0.1")
    fail(1)
    assert throttle.is_locked("li.wei", "10.0.0.1")


def test_username_is_locked_from_any_address_and_case(settings):
    fail(settings.LOGIN_FAILURE_LIMIT, username="Li.Wei")
    assert throttle.is_locked("li.wei", "192.168.1.9")
    assert throttle.is_locked("LI.WEI", "192.168.1.9")


def test_address_is_locked_for_any_username(settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        throttle.record_failure(f"guess{n}", "10.0.0.66")
    assert throttle.is_locked("someone.else", "10.0.0.66")
    assert not throttle.is_locked("someone.else", "10.0.0.67")


def test_other_users_and_addresses_are_not_affected(settings):
    fail(settings.LOGIN_FAILURE_LIMIT)
    assert not throttle.is_locked("wang.fang", "10.0.0.2")


def test_reset_clears_the_username_count_only(settings):
    fail(settings.LOGIN_FAILURE_LIMIT - 1)
    throttle.reset("li.wei", "10.0.0.1")  # li.wei signed in successfully
    assert not throttle.is_locked("li.wei", "10.0.0.1")
    assert not throttle.is_locked("li.wei", "10.0.0.9")  # the username count starts again from zero
    # The address keeps its count: a valid sign-in does not wipe guesses at other accounts.
    throttle.record_failure("wang.fang", "10.0.0.1")
    assert throttle.is_locked("zhao.lei", "10.0.0.1")


def test_lock_expires_after_the_cooldown(settings):
    settings.LOGIN_COOLDOWN_SECONDS = 60
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=1_000_000.0):
        fail(settings.LOGIN_FAILURE_LIMIT)
        assert throttle.is_locked("li.wei", "10.0.0.1")
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=1_000_061.0):
        assert not throttle.is_locked("li.wei", "10.0.0.1")


def test_broken_cache_does_not_lock_anybody_out(settings):
    fail(settings.LOGIN_FAILURE_LIMIT)
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("redis down")):
        assert throttle.is_locked("li.wei", "10.0.0.1") is False


def test_broken_cache_does_not_break_recording_or_reset():
    with mock.patch.object(cache, "add", side_effect=ConnectionError("redis down")), \
            mock.patch.object(cache, "incr", side_effect=ConnectionError("redis down")), \
            mock.patch.object(cache, "delete_many", side_effect=ConnectionError("redis down")):
        throttle.record_failure("li.wei", "10.0.0.1")
        throttle.reset("li.wei", "10.0.0.1")


def test_counter_survives_a_key_evicted_between_add_and_incr(settings):
    """If the key vanished after add(), incr() raises ValueError; that must not escape."""
    with mock.patch.object(cache, "incr", side_effect=ValueError("Key not found")):
        throttle.record_failure("li.wei", "10.0.0.1")
