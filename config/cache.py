"""Django's Redis cache, keeping its client objects.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call: the connection
pool is kept, but each client builds its table of ~170 response callbacks afresh, which
was a tenth of an API list request's time (three cache calls a request: token, quota).
A `redis.Redis` is safe to share between threads (it takes a pooled connection per
command), so one per connection pool is kept here.
"""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class KotaeRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with kept clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
