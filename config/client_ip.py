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


def client_network(request) -> str | None:
    """The client as the limits count it: its address, or for IPv6 the first address of
    its /64 (one subscriber usually holds a whole /64, so counting each address of it
    apart would give one client 2^64 fresh counts). Still an address, as the login lock
    stores it in an address column."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address
