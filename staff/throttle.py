"""Login throttling: after LOGIN_FAILURE_LIMIT failures for a username or a client
address, further attempts are refused for LOGIN_COOLDOWN_SECONDS."""
import logging

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _keys(username, address):
    return [f"login-fail:user:{(username or '').lower()}", f"login-fail:addr:{address}"]


def is_locked(username, address):
    try:
        counts = cache.get_many(_keys(username, address))
    except Exception:  # a broken cache must not lock everybody out
        log.warning("login throttle cache unavailable", exc_info=True)
        return False
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(username, address):
    for key in _keys(username, address):
        try:
            cache.add(key, 0, settings.LOGIN_COOLDOWN_SECONDS)
            cache.incr(key)
        except Exception:
            log.warning("login throttle cache unavailable", exc_info=True)


def reset(username, address):
    """After a successful sign-in, clear that username's failures. The address count
    stays, so one valid account cannot wipe the lock between guesses at others."""
    try:
        cache.delete(_keys(username, address)[0])
    except Exception:
        log.warning("login throttle cache unavailable", exc_info=True)
