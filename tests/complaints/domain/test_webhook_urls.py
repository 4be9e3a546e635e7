"""The webhook URL pattern and the address rule agree on every IPv4 literal: the pattern
admits `https://<address>/` exactly when the address is public (at the edges of every
non-public network, Python's included, and at random addresses)."""
import ipaddress
import re

from hypothesis import given
from hypothesis import strategies as st

from complaints.domain.addresses import NON_PUBLIC_IPV4, address_is_public
from complaints.domain.webhook_urls import webhook_url_pattern, webhook_url_shape

PATTERN = re.compile(webhook_url_pattern())
C = ipaddress._IPv4Constants  # noqa: SLF001 - Python's own lists, to catch an upgrade
PYTHON_NETWORKS = [*C._private_networks, C._reserved_network, C._multicast_network,  # noqa: SLF001
                   C._linklocal_network, C._loopback_network]  # noqa: SLF001


def admitted(address) -> bool:
    return bool(PATTERN.fullmatch(f"https://{address}/hook"))


def edges():
    for network in [*NON_PUBLIC_IPV4, *PYTHON_NETWORKS, ipaddress.ip_network("100.64.0.0/10")]:
        first, last = int(network.network_address), int(network.broadcast_address)
        for number in (first - 1, first, first + 1, last - 1, last, last + 1):
            if 0 <= number < 2 ** 32:
                yield ipaddress.IPv4Address(number)


def test_the_pattern_and_the_address_rule_agree_at_every_networks_edges():
    disagree = [str(a) for a in edges() if admitted(a) != address_is_public(a)]
    assert disagree == []


@given(st.integers(min_value=0, max_value=2 ** 32 - 1))
def test_the_pattern_and_the_address_rule_agree_anywhere(number):
    address = ipaddress.IPv4Address(number)
    assert admitted(address) == address_is_public(address)


def test_the_pattern_is_the_shape_less_what_is_internal():
    shape = re.compile(webhook_url_shape())
    for url in ("https://localhost/", "https://a.b.internal:8443/x", "https://10.0.0.1"):
        assert shape.fullmatch(url) and not PATTERN.fullmatch(url)
    assert not shape.fullmatch("http://hooks.example.com/")
    assert re.fullmatch(webhook_url_pattern(allow_http=True), "http://hooks.example.com/")
