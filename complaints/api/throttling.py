"""Quotas: each API token (or signed-in browser) may make so many requests a minute;
beyond that the answer is 429 with Retry-After."""
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiQuotaThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.KOTAE_API_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "pk"):
            ident = f"token:{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
