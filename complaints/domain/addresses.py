"""Which hosts a webhook may reach: the public internet only.

An address is public unless it is private, loopback, link-local, shared (CGNAT,
100.64.0.0/10), multicast, reserved, unspecified, IPv6 site-local, a cloud metadata
address, or an IPv6 form that carries one of those IPv4 addresses (IPv4-mapped, 6to4,
NAT64). Some names are internal whatever they resolve to (`localhost`, `*.internal`,
`*.local`, `*.localhost`, `*.svc.cluster.local`): they are refused without a lookup.

Registration (complaints.services.webhooks) and delivery
(complaints.services.outbox.addresses) both ask these two questions, so a URL accepted
today is refused at delivery once its name points somewhere private.
"""
import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

INTERNAL_NAMES = ("localhost",)
INTERNAL_SUFFIXES = (".internal", ".local", ".localhost", ".svc.cluster.local")
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"),
                                ipaddress.ip_address("fd00:ec2::254")})
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
# Every IPv4 address that is not public, written out (Python's is_private and the rest
# say the same today, and are asked too): the webhook URL pattern leaves these out
# (complaints.domain.webhook_urls), and a test checks that both agree.
NON_PUBLIC_IPV4 = tuple(ipaddress.IPv4Network(network) for network in (
    "0.0.0.0/8",  # "this network", 0.0.0.0 among them
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private
    "100.64.0.0/10",  # shared (carrier-grade NAT)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local, the cloud metadata address among them
    "192.0.0.0/29", "192.0.0.170/31",  # IETF protocol assignments
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation
    "198.18.0.0/15",  # benchmarking
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, the broadcast address among them
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def host_name_is_internal(host: str) -> bool:
    """True for a name that only means something inside a network (refused unresolved)."""
    name = host.rstrip(".").lower()
    return name in INTERNAL_NAMES or name.endswith(INTERNAL_SUFFIXES)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_is_public(address: str | IPAddress) -> bool:
    """True if a webhook may connect to this address; False for anything else, including
    text that is not an IP address."""
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    if address in METADATA_ADDRESSES:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_is_public(embedded)
    elif address in _SHARED or any(address in network for network in NON_PUBLIC_IPV4):
        return False
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified)
