"""Input no one can mean never makes a 500 (issue 16, finding 6): a NUL in any address,
query or form field is a 400 from one place (config/middleware.py), a page in the reader's
language or the API's error shape; the API says so itself for a body too deep or too large;
the merge refuses a case it cannot read with a message."""
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory, file_case, staff_user

pytestmark = pytest.mark.django_db
NUL = "a%00b"
GROUP = re.compile(r"\(\?P<\w+>[^)]*\)|<[^>]+>")  # a regex group or a route converter


def _routes(patterns=None, prefix=""):
    """Every URL pattern of config/urls.py as an address, each parameter filled with a
    value holding a NUL: (address, whether it has a parameter)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        route = route.replace("\\.", ".").replace("\\/", "/")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            full = prefix + route
            yield "/" + GROUP.sub(NUL, full), bool(GROUP.search(full))


ROUTES = sorted(set(_routes()))


@pytest.fixture(params=["anonymous", "filer", "staff"])
def visitor(request):
    client = Client(raise_request_exception=False)
    if request.param == "filer":
        client.force_login(UserFactory())
    elif request.param == "staff":
        client.force_login(staff_user(role="supervisor"))
    return client


def test_the_walk_covers_the_site():
    addresses = [address for address, _ in ROUTES]
    assert len(ROUTES) > 60
    assert "/cases/" in addresses and "/api/v1/cases/" in addresses
    assert f"/accounts/invitations/{NUL}/" in addresses
    assert any(a.startswith("/admin/complaints/case/") for a in addresses)


def test_a_nul_anywhere_is_a_400_never_a_500(visitor):
    failures = []
    for address, has_parameter in ROUTES:
        answers = {"query": visitor.get(address, {"q": "a\x00b", "status__exact": "\x00"}),
                   "form": visitor.post(address, {"title": "a\x00b"})}
        if has_parameter:
            answers["path"] = visitor.get(address)
        for where, response in answers.items():
            api_form = address.startswith("/api/") and where == "form"  # its serializers'
            if response.status_code >= 500 or (response.status_code != 400 and not api_form):
                failures.append(f"{where} {address}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_page_says_why_in_the_readers_language():
    client = Client()
    english = client.get("/cases/?q=%00")
    assert english.status_code == 400
    assert "contains something that cannot be read: a NUL character" in english.text
    japanese = client.get("/accounts/invitations/a%00b/", HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.status_code == 400
    assert "リクエストを読み取れませんでした" in japanese.text
    assert "NUL文字" in japanese.text and "<html lang=\"ja\">" in japanese.text


def test_the_api_answers_a_nul_in_its_own_shape(creator):
    client = Client()
    client.force_login(creator)
    response = client.get("/api/v1/cases/?status=%00", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid_input"
    assert "NUL文字" in response.json()["message"]
    field = client.post("/api/v1/cases/", {"kind": "inquiry", "title": "a\x00b"},
                        content_type="application/json")
    assert field.status_code == 400 and "title" in field.json()["fields"]


def test_json_nested_100000_deep_is_the_apis_400(creator):
    client = Client()
    client.force_login(creator)
    deep = "[" * 100_000 + "]" * 100_000
    for address in ("/api/v1/cases/", "/api/v1/cases/bulk/"):
        response = client.post(address, deep, content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="deep-1")
        assert response.status_code == 400, address
        assert response.json()["code"] == "parse_error"
        assert "nested too deeply: at most 64 levels" in response.json()["message"]


def _body_of(size: int) -> str:
    return json.dumps({"kind": "inquiry", "title": "x" * size})


def test_the_create_endpoints_read_bodies_up_to_20_mb(creator):
    client = Client()
    client.force_login(creator)
    for address in ("/api/v1/cases/", "/api/v1/cases/bulk/"):
        read = client.post(address, _body_of(6 * 1024 * 1024), content_type="application/json")
        assert read.status_code == 400 and read.json()["code"] == "invalid", address
        refused = client.post(address, _body_of(21 * 1024 * 1024),
                              content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
        assert refused.status_code == 413 and refused["Content-Type"] == "application/json"
        assert refused.json()["code"] == "request_too_large"
        assert "上限は20MB" in refused.json()["message"]


def test_other_endpoints_keep_5_mb(creator):
    case = file_case(filer=creator)
    client = Client()
    client.force_login(creator)
    response = client.post(f"/api/v1/cases/{case.reference}/replies/",
                           json.dumps({"body": "x" * 6 * 1024 * 1024}),
                           content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"
    assert "at most 5 MB" in response.json()["message"]


def test_a_merge_of_a_case_it_cannot_read_says_so(operator):
    case = file_case()
    client = Client()
    client.force_login(operator)
    response = client.post(reverse("admin:complaints_case_merge", args=[case.pk]),
                           {"duplicate": "abc"}, follow=True)
    assert response.status_code == 200
    assert "The cases to merge could not be read" in response.text
