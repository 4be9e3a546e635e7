"""Counting requests in Django's cache, in fixed windows (Redis across processes in
production; each process's own memory on a laptop).

A window is a key with the window's number in it and an expiry, so the cache holds one
small key per subject and window, whatever is sent. If the cache cannot be reached the
request goes through and the failure is logged: a cache outage must not lock everyone out
(the API token cache does the same: accounts/services.py). The Redis cache waits a quarter
of a second at most, and after a failure keeps nothing for a few seconds (config/cache.py,
which logs it once): a count then finds no key and the request goes through unlogged."""
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _window(seconds: int) -> tuple[int, int]:
    """This window's number and the seconds until it ends."""
    now = time.time()
    number = int(now // seconds)
    return number, max(1, int((number + 1) * seconds - now))


def window_hit(*, key: str, limit: int, seconds: int) -> int | None:
    """Count one request for `key`. None while it is within `limit` requests in this
    window of `seconds`; beyond that, the seconds until the window ends."""
    number, remaining = _window(seconds)
    name = f"ratelimit:{key}:{number}"
    try:
        cache.add(name, 0, seconds + 1)  # the expiry is set once, by the first request
        count = cache.incr(name)
    except ValueError:  # no key: the cache keeps nothing now, or the window just ended
        return None
    except Exception as exc:  # noqa: BLE001 (any cache failure: fail open, say so)
        logger.warning("Rate limit not counted, cache unavailable: %s", exc)
        return None
    return remaining if count > limit else None


def window_count(*, key: str, seconds: int) -> tuple[int, int]:
    """How many requests `key` has made in this window (nothing counted), and the seconds
    until the window ends; (0, ...) if the cache cannot be reached."""
    number, remaining = _window(seconds)
    try:
        count = cache.get(f"ratelimit:{key}:{number}") or 0
    except Exception as exc:  # noqa: BLE001
        logger.warning("Rate limit not read, cache unavailable: %s", exc)
        count = 0
    return count, remaining
