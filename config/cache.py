"""Django's Redis cache, keeping its client objects, and going without Redis while it is
down.

Kept clients: Django's RedisCacheClient makes a new `redis.Redis` for every cache call: the
connection pool is kept, but each client builds its table of ~170 response callbacks
afresh, which was a tenth of an API list request's time (three cache calls a request:
token, quota). A `redis.Redis` is safe to share between threads (it takes a pooled
connection per command), so one per connection pool is kept here.

Going without: every use of the cache in Kotae is a cache or a counter that may fail open
(API tokens, the API's quotas, login and password-reset limits, lists on the desk). Django's
backend raises when Redis refuses or does not answer, and DRF's quota check has no
fallback, so every API request answered 500 while Redis was down (issue 17). Here a Redis
error makes the cache behave as Django's DummyCache for KOTAE_CACHE_PAUSE_SECONDS (reads
miss, writes are dropped, `incr` finds no key), logged once per pause (config/pause.py);
then the next call tries Redis again. Each call waits at most the socket timeouts of
CACHES' OPTIONS; the pool never waits for a free connection (redis-py's ConnectionPool
raises at its maximum, which is caught like any other Redis error).
"""
import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from config.pause import Pause

logger = logging.getLogger(__name__)

# One pause per Redis server, shared by every thread's cache object of this process.
_pauses: dict[str, Pause] = {}


def _without_credentials(server: str) -> str:
    """The server's address for the log: never its user name or password."""
    parts = urlsplit(server)
    if parts.username is None and parts.password is None:
        return server
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def cache_pause(server: str) -> Pause:
    if server not in _pauses:
        _pauses[server] = Pause(
            what=f"Redis cache at {_without_credentials(server)}",
            meanwhile="the cache is skipped (quotas and limits not counted, tokens read "
                      "from the database)",
            seconds=settings.KOTAE_CACHE_PAUSE_SECONDS, logger=logger)
    return _pauses[server]


def cache_pauses_end() -> None:
    """Use Redis again at once (tests)."""
    for pause in _pauses.values():
        pause.end()


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _without_redis_when_down(name: str):
    redis_method = getattr(RedisCache, name)
    dummy_method = getattr(DummyCache, name)  # its own, or BaseCache's built on them

    def method(self, *args, **kwargs):
        if not self._pause.active():
            try:
                return redis_method(self, *args, **kwargs)
            except RedisError as exc:
                self._pause.begin(exc)
        return dummy_method(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class KotaeRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with kept clients, which behaves as
    Django's DummyCache for a few seconds after Redis fails (see the module's docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self._pause = cache_pause(server if isinstance(server, str) else ",".join(server))


# Every method of RedisCache that talks to Redis (the rest of BaseCache's API is built on
# these: get_or_set, decr, the async methods).
for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
              "set_many", "delete_many", "clear"):
    setattr(KotaeRedisCache, _name, _without_redis_when_down(_name))
