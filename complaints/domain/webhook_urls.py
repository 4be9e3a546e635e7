"""What a webhook URL may look like, as one regular expression: the server checks it and
the API's schema publishes it, so a client that follows the schema is never refused for
the URL's form (only for a name that resolves to a non-public address, which no pattern
can know).

https only; a host that is a name with a top-level domain, or an IPv4 address in dotted
decimal. With the public-only rule (always, in production) the pattern also leaves out
what complaints.domain.addresses refuses without a lookup: `localhost`, names under
`.local`, `.internal`, `.localhost` (`*.svc.cluster.local` among them), and every IPv4
address that is not public (NON_PUBLIC_IPV4: private, loopback, link-local and metadata,
shared/CGNAT, documentation, benchmarking, multicast, reserved, "this network"). IPv6
literals are not accepted at all.
"""
import ipaddress

from complaints.domain.addresses import INTERNAL_NAMES, INTERNAL_SUFFIXES, NON_PUBLIC_IPV4

# One octet in dotted decimal, as ipaddress writes it (no leading zeros).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_NAME = (r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
         r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})")  # a name with its top-level domain
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_PORT = (r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}"
         r"|[1-9][0-9]{0,3}))?")
# Path and query (no fragment): the characters RFC 3986 allows there, or %-escapes.
_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
_REST = rf"(?:/{_CHAR}*)?(?:\?(?:{_CHAR}|\?)*)?"
_HOST_ENDS = r"(?:[:/?]|$)"  # what may follow the host

WEBHOOK_URL_RULE = (
    "A public https:// URL: the host is a name with a top-level domain (not `localhost`, "
    "nor a name under .local, .internal or .localhost) or a public IPv4 address (no "
    "private, loopback, link-local, shared (100.64.0.0/10), documentation, multicast or "
    "reserved address); IPv6 literals are not accepted. A name must resolve to public "
    "addresses only, when it is registered and at every delivery."
)


def _numbers(low: str, high: str) -> list[str]:
    """Regular expressions that together match the decimal numbers low..high, both of
    the same number of digits."""
    if len(low) == 1:
        return [low if low == high else f"[{low}-{high}]"]
    if low[0] == high[0]:
        return [low[0] + rest for rest in _numbers(low[1:], high[1:])]
    width = len(low) - 1
    parts, first, last = [], int(low[0]), int(high[0])
    if low[1:] != "0" * width:
        parts += [low[0] + rest for rest in _numbers(low[1:], "9" * width)]
        first += 1
    if high[1:] != "9" * width:
        last -= 1
    if first <= last:
        parts.append((str(first) if first == last else f"[{first}-{last}]") + "[0-9]" * width)
    if high[1:] != "9" * width:
        parts += [high[0] + rest for rest in _numbers("0" * width, high[1:])]
    return parts


def _octets(low: int, high: int) -> str:
    """A regular expression for one octet from low to high (no leading zeros)."""
    if (low, high) == (0, 255):
        return "[0-9]{1,3}"  # any octet: the pattern checks each is at most 255
    parts = []
    for digits in (1, 2, 3):
        start = max(low, 10 ** (digits - 1) if digits > 1 else 0)
        end = min(high, 10 ** digits - 1)
        if start <= end:
            parts += _numbers(str(start), str(end))
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def ipv4_network_pattern(network: ipaddress.IPv4Network) -> str:
    """A regular expression that matches, of the IPv4 addresses in dotted decimal,
    those of the network."""
    first, last = network.network_address.packed, network.broadcast_address.packed
    return r"\.".join(_octets(low, high) for low, high in zip(first, last, strict=True))


def _any_case(text: str) -> str:
    """The text, letters in either case (an OpenAPI pattern has no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else (
        r"\." if c == "." else c) for c in text)


def webhook_url_pattern(*, allow_http: bool = False, public_only: bool = True) -> str:
    """The regular expression a webhook URL must match. `allow_http` and not `public_only`
    are for development and tests (a receiver on http://127.0.0.1)."""
    scheme = "https?" if allow_http else "https"
    if not public_only:
        return rf"^{scheme}://(?:{_NAME}|{_IPV4}|localhost){_PORT}{_REST}$"
    names = "|".join(_any_case(name) for name in INTERNAL_NAMES)
    suffixes = "|".join(_any_case(suffix) for suffix in INTERNAL_SUFFIXES)
    networks = "|".join(ipv4_network_pattern(network) for network in NON_PUBLIC_IPV4)
    not_internal = (rf"(?!(?:{names}){_HOST_ENDS})"
                    rf"(?![^:/?]*(?:{suffixes}){_HOST_ENDS})"
                    rf"(?!(?:{networks}){_HOST_ENDS})")
    return rf"^{scheme}://{not_internal}(?:{_NAME}|{_IPV4}){_PORT}{_REST}$"


def webhook_url_shape(*, allow_http: bool = False) -> str:
    """The pattern's form alone, without the public-only exclusions: a URL that fails it
    is no web address at all; one that passes it and fails the pattern is not public."""
    return webhook_url_pattern(allow_http=allow_http, public_only=False)
