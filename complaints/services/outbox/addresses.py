"""A webhook host's addresses: looked up once, with a time limit, and checked.

Registration and every delivery ask `webhook_host_addresses`; a delivery then connects to
the addresses it returned (never looking the name up again), so a name cannot point at a
public address for the check and at a private one for the connection. Which addresses
are public: complaints.domain.addresses.
"""
import ipaddress
import socket
import threading

from complaints.domain.addresses import address_is_public, host_name_is_internal

LOOKUP_TIMEOUT_SECONDS = 3.0

Address = tuple[int, tuple]  # (socket family, socket address), ready for socket.connect


class AddressRefused(Exception):
    """The host is internal, or one of its addresses is not on the public internet."""


class AddressUnresolved(Exception):
    """The name has no address (or the lookup did not answer in time)."""


def _lookup(host: str, port: int) -> list[Address]:
    """getaddrinfo, bounded: a resolver that hangs must not hold a worker or a request."""
    outcome: dict = {}

    def run():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                  proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="webhook-lookup", daemon=True)
    thread.start()
    thread.join(LOOKUP_TIMEOUT_SECONDS)
    if "infos" not in outcome:
        raise AddressUnresolved(host) from outcome.get("error")
    addresses = [(family, sockaddr) for family, _, _, _, sockaddr in outcome["infos"]
                 if family in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise AddressUnresolved(host)
    return addresses


def _literal(host: str, port: int) -> list[Address] | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.version == 4:
        return [(socket.AF_INET, (str(address), port))]
    return [(socket.AF_INET6, (str(address), port, 0, 0))]


def webhook_host_addresses(*, host: str, port: int, public_only: bool = True) -> list[Address]:
    """The addresses to connect to for `host` (at most one lookup; none for an IP
    address). With `public_only`, raises AddressRefused unless every one is public."""
    host = host.rstrip(".")
    if public_only and host_name_is_internal(host):
        raise AddressRefused(host)
    addresses = _literal(host, port)
    if addresses is None:
        addresses = _lookup(host, port)
    if public_only and not all(address_is_public(sockaddr[0].split("%")[0])
                               for _, sockaddr in addresses):
        raise AddressRefused(host)
    return addresses
