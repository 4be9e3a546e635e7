"""The schema's webhook `url` pattern says what the server accepts: every URL of a small
table that the published pattern admits is accepted by the API, and every one it leaves
out (localhost among them) is refused by the API too. Production's rule: https only,
public hosts only (names resolve through a stub here: to a public address)."""
import re
import socket

import pytest

from complaints.models import WebhookEndpoint
from tests.complaints.api.test_api import client_for

pytestmark = pytest.mark.django_db
WEBHOOKS = "/api/v1/webhooks/"

ADMITTED = [
    "https://hooks.example.com/kotae",
    "https://HOOKS.Example.COM:8443/kotae/in?x=1&y=%2F",
    "https://xn--r8jz45g.xn--zckzah/",
    "https://93.184.215.14/kotae",
    "https://100.128.0.1/",  # just past the shared (CGNAT) range
    "https://172.32.0.1/",  # just past 172.16.0.0/12
    "https://local.example.com/",  # "local" only as a suffix is internal
    "https://hooks.example.com",
]
REFUSED = [
    "https://localhost/kotae",
    "https://LOCALHOST:8443/",
    "https://hooks.localhost/",
    "https://printer.local/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://kotae.default.svc.cluster.local/",
    "https://127.0.0.1/",
    "https://10.1.2.3/",
    "https://100.64.0.7/",
    "https://169.254.169.254/latest/meta-data",
    "https://172.31.255.255/",
    "https://192.168.1.20/",
    "https://0.0.0.0/",
    "https://224.0.0.1/",
    "https://255.255.255.255/",
    "https://[::1]/",
    "http://hooks.example.com/kotae",
    "ftp://hooks.example.com/",
]


@pytest.fixture
def production_rule(settings, monkeypatch):
    settings.KOTAE_WEBHOOK_ALLOW_HTTP = False
    settings.KOTAE_WEBHOOK_PUBLIC_ONLY = True
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)


@pytest.fixture
def url_schema(client, production_rule) -> dict:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    return schema["components"]["schemas"]["WebhookCreateRequest"]["properties"]["url"]


def test_the_pattern_admits_what_the_api_accepts_and_nothing_it_refuses(url_schema, creator):
    pattern = re.compile(url_schema["pattern"])
    assert [url for url in ADMITTED if not pattern.fullmatch(url)] == []
    assert [url for url in REFUSED if pattern.fullmatch(url)] == []
    api = client_for(creator)
    for url in ADMITTED:
        response = api.post(WEBHOOKS, {"url": url}, format="json")
        assert response.status_code == 201, (url, response.json())
        WebhookEndpoint.objects.filter(pk=response.json()["id"]).delete()
    for url in REFUSED:
        response = api.post(WEBHOOKS, {"url": url}, format="json")
        assert response.status_code == 400, url
    assert not WebhookEndpoint.objects.exists()


def test_localhost_is_refused_by_the_schema_and_the_server_with_reasons(url_schema, creator):
    assert not re.fullmatch(url_schema["pattern"], "https://localhost/kotae")
    for words in ("https://", "localhost", ".local", ".internal", "private", "IPv6"):
        assert words in url_schema["description"], words
    response = client_for(creator).post(WEBHOOKS, {"url": "https://localhost/kotae"},
                                        format="json")
    assert response.status_code == 400
    assert "public host" in response.json()["fields"]["url"][0]
