"""Webhooks as a filer's program meets them: registration (https, public hosts, at most
ten), status changes POSTed to a real local receiver, signed so that the receiver can
check them, retried after a failure, delivered once, and a log only the owner reads."""
import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts.models import Membership
from complaints.api import urls as api_urls
from complaints.models import WebhookDelivery, WebhookEndpoint
from complaints.services.cases import case_withdraw
from complaints.services.outbox import case_link, webhook_deliver
from complaints.services.outbox.webhooks import MAX_ATTEMPTS, webhook_signature
from complaints.services.webhooks import webhook_endpoint_create
from complaints.tasks import webhooks_relay
from tests.complaints.api.test_api import client_for
from tests.factories import OrganisationFactory, UserFactory, file_case

pytestmark = pytest.mark.django_db
WEBHOOKS = "/api/v1/webhooks/"


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers with the
    statuses in `answers`, in order, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": self.rfile.read(length)})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/kotae"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def kotae_verify(secret: str, raw_body: bytes, header: str, tolerance=300) -> bool:
    """What a receiver does (as documented in complaints.services.outbox.webhooks)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp, signature = int(parts["t"]), parts["v1"]
    signed = f"{timestamp}.".encode() + raw_body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature) and abs(time.time() - timestamp) <= tolerance


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- Registration --------------------------------------------------------------------
def test_registration_refuses_http_and_local_hosts_unless_allowed(creator, settings,
                                                                   monkeypatch):
    settings.KOTAE_WEBHOOK_ALLOW_HTTP = False
    settings.KOTAE_WEBHOOK_PUBLIC_ONLY = True
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    refused = {
        "http://hooks.example.com/kotae": "https://",
        "https://localhost/kotae": "public host",
        "https://hooks.localhost/kotae": "public host",
        "https://127.0.0.1:8443/kotae": "public host",
        "https://10.1.2.3/kotae": "public host",
        "https://172.16.0.9/kotae": "public host",
        "https://192.168.1.20/kotae": "public host",
        "https://169.254.169.254/latest/meta-data": "public host",
        "https://0.0.0.0/": "public host",
        "ftp://hooks.example.com/": "full web address",
        "https://hooks.example.com/a b": "full web address",
        "hooks.example.com/kotae": "full web address",
    }
    for url, reason in refused.items():
        with pytest.raises(ValidationError) as caught:
            webhook_endpoint_create(owner=creator, url=url)
        assert reason in " ".join(caught.value.message_dict["url"]), url
    assert not WebhookEndpoint.objects.exists()
    ok = webhook_endpoint_create(owner=creator, url="https://hooks.example.com:8443/kotae?x=1")
    assert ok.secret.startswith("whsec_") and len(ok.secret) > 40
    assert webhook_endpoint_create(owner=creator, url="https://93.184.215.14/kotae")

    client = client_for(creator)
    response = client.post(WEBHOOKS, {"url": "http://hooks.example.com/kotae"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "https://" in response.json()["fields"]["url"][0]
    japanese = client.post(WEBHOOKS, {"url": "https://10.0.0.1/"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="ja")
    message = japanese.json()["fields"]["url"][0]
    assert japanese.status_code == 400 and not message.isascii()
    settings.KOTAE_WEBHOOK_ALLOW_HTTP = True  # development and tests
    settings.KOTAE_WEBHOOK_PUBLIC_ONLY = False
    assert client.post(WEBHOOKS, {"url": "http://127.0.0.1:9/x"},
                       format="json").status_code == 201


def test_at_most_ten_webhooks_each(creator, other_creator):
    for i in range(10):
        webhook_endpoint_create(owner=creator, url=f"https://hooks.example.com/{i}")
    with pytest.raises(ValidationError):
        webhook_endpoint_create(owner=creator, url="https://hooks.example.com/11")
    response = client_for(creator).post(WEBHOOKS, {"url": "https://hooks.example.com/11"},
                                        format="json")
    assert response.status_code == 409 and response.json()["code"] == "too_many_webhooks"
    assert "10" in response.json()["message"]
    assert webhook_endpoint_create(owner=other_creator, url="https://hooks.example.com/1")


def test_register_list_and_delete(creator, other_creator):
    client = client_for(creator)
    created = client.post(WEBHOOKS, {"url": "https://hooks.example.com/kotae",
                                     "description": "Case tracker"},
                          format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    assert created.status_code == 201
    body = created.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret and body["id"] == endpoint.pk
    assert endpoint.owner == creator and endpoint.description == "Case tracker"
    again = client.post(WEBHOOKS, {"url": "https://hooks.example.com/kotae",
                                   "description": "Case tracker"},
                        format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    assert again.json()["id"] == endpoint.pk and WebhookEndpoint.objects.count() == 1

    listed = client.get(WEBHOOKS).json()
    assert [w["id"] for w in listed] == [endpoint.pk]
    assert "secret" not in listed[0] and endpoint.secret not in json.dumps(listed)
    stranger = client_for(other_creator)
    assert stranger.get(WEBHOOKS).json() == []
    refused = stranger.delete(f"{WEBHOOKS}{endpoint.pk}/")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert client.delete(f"{WEBHOOKS}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
    assert client.delete(f"{WEBHOOKS}{endpoint.pk}/").status_code == 404


# --- Delivery ------------------------------------------------------------------------
def test_a_status_change_is_posted_signed_and_sent_once(creator, receiver,
                                                        django_capture_on_commit_callbacks):
    endpoint = webhook_endpoint_create(owner=creator, url=receiver.url)
    case = file_case(filer=creator)
    client = client_for(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/cases/{case.reference}/withdraw/",
                               {"reason": "Settled."}, format="json")
    assert response.status_code == 200

    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint and delivery.event_type == "case.status_changed"
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_status) == (1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None

    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hooks/kotae"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Kotae-Webhooks/1"
    assert headers["Kotae-Event"] == "case.status_changed"
    assert headers["Kotae-Delivery"] == delivery.event_id
    assert delivery.event_id.startswith(f"case:{case.pk}:status:")
    assert kotae_verify(endpoint.secret, body, headers["Kotae-Signature"])
    assert not kotae_verify("whsec_wrong", body, headers["Kotae-Signature"])
    assert not kotae_verify(endpoint.secret, body + b" ", headers["Kotae-Signature"])
    timestamp = int(headers["Kotae-Signature"].split(",")[0].removeprefix("t="))
    assert headers["Kotae-Signature"].endswith(
        webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body))
    event = json.loads(body)
    assert body == json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    assert event["id"] == delivery.event_id and event["type"] == "case.status_changed"
    assert event["data"] == {"reference": case.reference, "kind": "output_complaint",
                             "old_status": "submitted", "new_status": "withdrawn",
                             "url": case_link(case)}

    # A redelivered task, or the relay later, sends nothing more.
    assert webhook_deliver(delivery_id=delivery.pk) is False
    make_due(delivery)
    assert webhooks_relay() == 0
    assert len(receiver.requests) == 1


def test_a_failure_is_recorded_and_retried_by_the_relay(creator, receiver,
                                                        django_capture_on_commit_callbacks):
    endpoint = webhook_endpoint_create(owner=creator, url=receiver.url)
    case = file_case(filer=creator)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        case_withdraw(case=case, actor=creator, reason="Settled.")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert (delivery.attempts, delivery.response_status) == (1, 500)
    assert "500" in delivery.last_error
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60  # 2 ** 1 * 30 s

    assert webhooks_relay() == 0  # not due yet
    assert webhook_deliver(delivery_id=delivery.pk) is False  # nor for a stray task
    assert len(receiver.requests) == 1

    make_due(delivery)
    assert webhooks_relay() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_status, delivery.last_error) == (2, 200, "")
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["Kotae-Delivery"] == second["headers"]["Kotae-Delivery"]
    assert kotae_verify(endpoint.secret, second["body"], second["headers"]["Kotae-Signature"])
    make_due(delivery)
    assert webhooks_relay() == 0 and len(receiver.requests) == 2


def test_redirects_are_not_followed(creator, receiver, django_capture_on_commit_callbacks):
    webhook_endpoint_create(owner=creator, url=receiver.url)
    receiver.answers = [302]
    with django_capture_on_commit_callbacks(execute=True):
        case_withdraw(case=file_case(filer=creator), actor=creator)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == ("failed", 302)
    assert [r["path"] for r in receiver.requests] == ["/hooks/kotae"]


def test_no_answer_backs_off_then_gives_up(creator):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    webhook_endpoint_create(owner=creator, url=f"http://127.0.0.1:{port}/kotae")
    case_withdraw(case=file_case(filer=creator), actor=creator)  # after commit: not run
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 0
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        make_due(delivery)
        assert webhooks_relay() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and delivery.response_status is None
        assert delivery.last_error == "could not connect"  # not how it failed
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
    assert delivery.status == WebhookDelivery.Status.GAVE_UP
    assert delivery.next_attempt_at is None and delivery.delivered_at is None
    assert waits == pytest.approx([60, 120, 240, 480, 960, 1920, 3840], abs=2)
    make_due(delivery)
    assert webhooks_relay() == 0
    assert webhook_deliver(delivery_id=delivery.pk) is False


def test_the_filer_and_the_organisations_members_hear_of_it(creator, other_creator):
    studio = OrganisationFactory()
    member = UserFactory()
    Membership.objects.create(organisation=studio, user=member)
    Membership.objects.create(organisation=studio, user=creator)
    mine = webhook_endpoint_create(owner=creator, url="https://a.example.com/hook")
    theirs = webhook_endpoint_create(owner=member, url="https://b.example.com/hook")
    off = webhook_endpoint_create(owner=member, url="https://c.example.com/hook")
    WebhookEndpoint.objects.filter(pk=off.pk).update(active=False)
    outsider = webhook_endpoint_create(owner=other_creator, url="https://d.example.com/hook")
    case = file_case(filer=creator, organisation_id=studio.pk)
    assert not WebhookDelivery.objects.exists()  # filing is not a status change
    case_withdraw(case=case, actor=creator)
    deliveries = WebhookDelivery.objects.all()
    assert {d.endpoint_id for d in deliveries} == {mine.pk, theirs.pk}
    assert outsider.pk not in {d.endpoint_id for d in deliveries}
    assert len({d.event_id for d in deliveries}) == 1
    assert all(d.payload["data"]["new_status"] == "withdrawn" for d in deliveries)
    case_without_org = file_case(filer=creator)
    case_withdraw(case=case_without_org, actor=creator)
    assert WebhookDelivery.objects.filter(
        payload__data__reference=case_without_org.reference).get().endpoint == mine


# --- The delivery log ----------------------------------------------------------------
def deliveries_for(endpoint, count: int) -> None:
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_id=f"case:1:status:{i}",
                        event_type="case.status_changed", payload={"id": i},
                        status="delivered" if i % 2 else "failed", attempts=1,
                        response_status=200 if i % 2 else 500,
                        last_error="" if i % 2 else "HTTP 500",
                        delivered_at=now if i % 2 else None)
        for i in range(count))


def test_the_log_is_the_owners_newest_first(creator, other_creator):
    endpoint = webhook_endpoint_create(owner=creator, url="https://a.example.com/hook")
    deliveries_for(endpoint, 3)
    url = f"{WEBHOOKS}{endpoint.pk}/deliveries/"
    page = client_for(creator).get(url, {"page_size": 2}).json()
    assert [d["event_id"] for d in page["results"]] == ["case:1:status:2", "case:1:status:1"]
    assert set(page["results"][0]) == {"event_type", "event_id", "status", "attempts",
                                       "response_status", "last_error", "created_at",
                                       "delivered_at"}
    assert page["results"][0]["status"] == "failed"
    assert page["results"][0]["response_status"] == 500
    rest = client_for(creator).get(page["next"]).json()
    assert [d["event_id"] for d in rest["results"]] == ["case:1:status:0"]
    refused = client_for(other_creator).get(url)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert "webhook" in refused.json()["message"]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_log_uses_the_same_queries_at_5_and_50(creator, rows, django_assert_num_queries):
    endpoint = webhook_endpoint_create(owner=creator, url="https://a.example.com/hook")
    deliveries_for(endpoint, rows)
    client = client_for(creator)
    url = f"{WEBHOOKS}{endpoint.pk}/deliveries/"
    client.get(url)  # the token's first use reads it and writes its last-used time
    # the endpoint (is it yours?), the page; the token comes from the cache
    with django_assert_num_queries(2):
        response = client.get(url, {"page_size": 100})
    assert len(response.json()["results"]) == rows


def webhook_id_patterns():
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if "pk" in pattern.pattern.converters and pattern.name.startswith("webhook_"):
            yield pattern.name


def test_every_webhook_id_is_404_for_another_filer(creator, other_creator):
    endpoint = webhook_endpoint_create(owner=creator, url="https://a.example.com/hook")
    deliveries_for(endpoint, 1)
    client = client_for(other_creator)
    names = set(webhook_id_patterns())
    assert names == {"webhook_detail", "webhook_deliveries"}
    for name in names:
        for pk in (endpoint.pk, endpoint.pk + 1000, 0, 2 ** 63, 10 ** 30, "-1", "1.0", "a",
                   "%C3%9F", " 1"):
            url = reverse(f"api:{name}", args=[pk])
            for method in ("get", "post", "delete"):
                response = getattr(client, method)(url, {}, format="json")
                assert response.status_code in (404, 405), (name, method, pk)
                if response.status_code == 404:
                    assert response.json()["code"] == "not_found"
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert endpoint.deliveries.count() == 1
