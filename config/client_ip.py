"""Who sent a request: one rule for the login lock (django-axes), the password-reset limit
and the API's limits.

Without a proxy in front (a laptop, `make run`) it is REMOTE_ADDR. Behind proxies
(production: the TLS proxy), KOTAE_PROXY_COUNT says how many; each appends the address it
saw to X-Forwarded-For, so the client is the entry that many places from the right. A
client can put anything in the header it sends, but only to the left of what our proxies
append, so it cannot choose its own address (the rule of DRF's NUM_PROXIES)."""
import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.KOTAE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    candidate = addresses[-min(proxies, len(addresses))]
    try:  # an address, never whatever text was sent (it is stored in an inet column)
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
