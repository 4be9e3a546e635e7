"""Quotas: each API token (or signed-in browser) may make so many requests a minute;
beyond that the answer is 429 with Retry-After.

Wrong tokens: a client address that sent too many requests with a wrong or unknown token
in a window gets 429 for its unknown tokens until the window ends (a token used in the
last minute still works from there: a filer behind the same address is not locked out).
Counted apart from the quotas, per address (an IPv6 client per /64 network).

Both are counted in the cache. When Redis refuses or does not answer, the quota is not
counted for a few seconds and every request goes through (fails open, logged once):
config/cache.py gives DRF's throttle, which has no fallback of its own, an empty cache
then. Until issue 17 every API request answered 500 while Redis was down."""

from django.conf import settings
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from config.client_ip import client_ip, client_network
from config.rate_limits import window_count, window_hit


class ApiQuotaThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.KOTAE_API_RATE

    def get_ident(self, request):
        return client_ip(request) or ""  # the one rule for who sent it

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "pk"):
            ident = f"token:{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BadTokensThrottled(Throttled):
    """429 for a client that sent too many wrong tokens (its words: errors.py)."""

    bad_tokens = True


def _bad_token_key(request) -> str:
    return f"api-bad-token:{client_network(request) or 'unknown'}"


def bad_tokens_wait(request) -> int | None:
    """Seconds until this client may try unknown tokens again, or None if it may now."""
    count, remaining = window_count(key=_bad_token_key(request),
                                    seconds=settings.KOTAE_API_BAD_TOKEN_WINDOW)
    return remaining if count >= settings.KOTAE_API_BAD_TOKEN_LIMIT else None


def bad_token_record(request) -> None:
    window_hit(key=_bad_token_key(request), limit=settings.KOTAE_API_BAD_TOKEN_LIMIT,
               seconds=settings.KOTAE_API_BAD_TOKEN_WINDOW)
