"""Webhooks reach only the public internet: a host is looked up (once) at registration
and at every delivery, refused if any of its addresses is not public, and the POST goes
to the address that was checked. The address check is on here (as in production), with a
stubbed resolver; "the network" routes the one public address used below to a local
receiver."""
import socket

import pytest
from django.core.exceptions import ValidationError

from complaints.models import WebhookDelivery, WebhookEndpoint
from complaints.services.cases import case_withdraw
from complaints.services.webhooks import webhook_endpoint_create
from tests.complaints.api.test_api import client_for
from tests.complaints.api.test_webhooks import Receiver
from tests.factories import file_case

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.215.14"
NOT_PUBLIC = ["127.0.0.1", "10.1.2.3", "100.64.0.7", "169.254.169.254", "::1",
              "::ffff:127.0.0.1"]


class Resolver:
    """socket.getaddrinfo as DNS would answer: `names` maps a name to its addresses (a
    list per lookup, the last one repeated); every lookup is counted."""

    def __init__(self):
        self.names: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        answers = self.names.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]


@pytest.fixture
def resolver(monkeypatch, settings):
    settings.KOTAE_WEBHOOK_PUBLIC_ONLY = True
    stub = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", stub)
    return stub


@pytest.fixture
def network(monkeypatch):
    """Connections to PUBLIC reach `network.receiver` (on 127.0.0.1); `network.refuse`
    makes them fail as a closed port would. Records every address connected to."""
    real_connect = socket.socket.connect

    class Network:
        receiver = Receiver()
        refuse = False
        connected: list = []

    def connect(sock, address):
        Network.connected.append(address[0])
        if address[0] == PUBLIC:
            if Network.refuse:
                raise ConnectionRefusedError(111, "Connection refused")
            address = ("127.0.0.1", Network.receiver.server.server_port)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield Network
    Network.receiver.close()


def withdraw_and_deliver(creator, capture) -> WebhookDelivery:
    with capture(execute=True):
        case_withdraw(case=file_case(filer=creator), actor=creator)
    return WebhookDelivery.objects.get()


# --- Registration --------------------------------------------------------------------
@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_name_pointing_at_a_non_public_address_is_refused(creator, resolver, address):
    resolver.names["hooks.example.com"] = [[PUBLIC, address]]
    with pytest.raises(ValidationError) as caught:
        webhook_endpoint_create(owner=creator, url="https://hooks.example.com/kotae")
    assert "public host" in caught.value.message_dict["url"][0]
    assert resolver.lookups == ["hooks.example.com"]
    assert not WebhookEndpoint.objects.exists()


def test_internal_names_are_refused_and_public_ones_accepted(creator, resolver):
    for url in ("https://metadata.google.internal/computeMetadata/v1/",
                "https://kotae-db.default.svc.cluster.local/", "https://printer.local/",
                "https://hooks.localhost/"):
        with pytest.raises(ValidationError) as caught:
            webhook_endpoint_create(owner=creator, url=url)
        assert "internal name" in caught.value.message_dict["url"][0], url
    assert resolver.lookups == []  # refused by name, whatever they resolve to
    with pytest.raises(ValidationError) as caught:
        webhook_endpoint_create(owner=creator, url="https://100.64.0.1/kotae")
    assert "public host" in caught.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as caught:
        webhook_endpoint_create(owner=creator, url="https://no-such-host.example/kotae")
    assert "could not be found" in caught.value.message_dict["url"][0]

    resolver.names["hooks.example.com"] = [[PUBLIC, "2606:2800:220:1::1"]]
    assert webhook_endpoint_create(owner=creator, url="https://hooks.example.com/kotae")
    assert WebhookEndpoint.objects.count() == 1


def test_the_api_refuses_with_the_same_message(creator, resolver):
    resolver.names["hooks.example.com"] = [["10.0.0.5"]]
    client = client_for(creator)
    response = client.post("/api/v1/webhooks/", {"url": "https://hooks.example.com/k"},
                           format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["url"] == [
        "A webhook URL must point to a public host on the internet, not to localhost, an "
        "internal name, or a private, loopback, link-local or other non-public address."]
    unknown = client.post("/api/v1/webhooks/", {"url": "https://nowhere.example.com/k"},
                          format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert unknown.status_code == 400
    assert "ホストが見つかりませんでした" in unknown.json()["fields"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


# --- Delivery ------------------------------------------------------------------------
@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_name_that_now_points_inside_is_refused_at_delivery(
        creator, resolver, network, address, django_capture_on_commit_callbacks):
    resolver.names["hooks.example.com"] = [[PUBLIC], [address]]  # public when registered
    webhook_endpoint_create(owner=creator, url="http://hooks.example.com/kotae")
    delivery = withdraw_and_deliver(creator, django_capture_on_commit_callbacks)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error == "refused: not a public address"
    assert delivery.response_status is None
    assert network.connected == [] and network.receiver.requests == []
    assert resolver.lookups == ["hooks.example.com"] * 2  # registration, delivery


def test_one_lookup_per_delivery_to_the_checked_address_and_no_redirect(
        creator, resolver, network, django_capture_on_commit_callbacks):
    # Public at registration and at delivery's lookup; any later lookup would say
    # 127.0.0.1 (a rebinding name), so a second lookup would post inside.
    resolver.names["hooks.example.com"] = [[PUBLIC], [PUBLIC], ["127.0.0.1"]]
    webhook_endpoint_create(owner=creator, url="http://hooks.example.com:8080/kotae?x=1")
    assert resolver.lookups == ["hooks.example.com"]
    network.receiver.answers = [302]  # to /elsewhere
    delivery = withdraw_and_deliver(creator, django_capture_on_commit_callbacks)
    assert resolver.lookups == ["hooks.example.com"] * 2
    assert network.connected == [PUBLIC]
    [request] = network.receiver.requests  # the redirect was not followed
    assert request["path"] == "/kotae?x=1"
    assert request["headers"]["Host"] == "hooks.example.com:8080"
    assert (delivery.status, delivery.response_status) == ("failed", 302)
    assert delivery.last_error == "HTTP 302"


def test_the_log_never_says_how_a_connection_failed(creator, resolver, network,
                                                    django_capture_on_commit_callbacks):
    resolver.names["hooks.example.com"] = [[PUBLIC]]
    endpoint = webhook_endpoint_create(owner=creator, url="http://hooks.example.com:22/")
    network.refuse = True
    delivery = withdraw_and_deliver(creator, django_capture_on_commit_callbacks)
    assert network.connected == [PUBLIC]
    log = client_for(creator).get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    [entry] = log["results"]
    assert entry["last_error"] == delivery.last_error == "could not connect"
    assert entry["status"] == "failed" and entry["response_status"] is None
