"""The REST API as a filing agent's program uses it: tokens, each kind of case, bulk,
idempotent retries, one error shape in the caller's language, quotas, and nothing of
anyone else's."""
import uuid

import pytest
from django.core.management import call_command
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create, api_token_revoke
from complaints.api import urls as api_urls
from complaints.models import Case, Decision, IdempotencyRecord
from complaints.services.decisions import decision_record
from tests.factories import PNG_BYTES, file_case

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    _row, token = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def complaint(**overrides):
    data = {
        "kind": "output_complaint", "title": "Video copies Hoshino Aki", "law": "us_dmca",
        "postal_address": "1-2-3 Jingumae, Shibuya-ku, Tokyo", "phone": "+81 3-1234-5678",
        "ai_product": "DreamReel video", "ai_model": "reel-2",
        "similarity": "Face, hair and costume are reproduced.",
        "remedies": ["remove_output", "block_prompts"],
        "works": [{"title": "Hoshizora Quest", "kind": "anime",
                   "rights_holder": "Studio Hoshizora"}],
        "locations": [{"url": "https://dreamreel.example/v/abc123",
                       "seen_at": "2026-11-20T10:30:00+09:00"}],
        "good_faith_statement": True, "accuracy_statement": True,
        "signature": "Hanako Yamada",
    }
    data.update(overrides)
    return data


def objection(**overrides):
    return {"kind": "training_objection", "title": "Do not train on Studio Hoshizora",
            "catalogue": {"identifiers": "hoshizora.example"},
            "works": [{"title": "Hoshizora Quest", "kind": "anime"}],
            "training_uses": ["training", "style_imitation"], "good_faith_statement": True,
            "accuracy_statement": True, "signature": "Hanako Yamada", **overrides}


def inquiry(**overrides):
    return {"kind": "inquiry", "title": "Was our anime used?",
            "questions": ["Was Hoshizora Quest in the training data of reel-2?"],
            "accuracy_statement": True, "signature": "Hanako Yamada", **overrides}


CASES = "/api/v1/cases/"


def test_issue_api_token_prints_the_token_alone(creator, capsys):
    call_command("issue_api_token", creator.email)
    out = capsys.readouterr().out
    token = out.strip()
    assert out == token + "\n" and token.startswith("kotae_") and len(token) > 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(CASES).status_code == 200
    row = creator.api_tokens.get()
    assert row.key_hash != token and token not in row.key_hash
    assert row.last_used_at is not None


def test_no_token_a_bad_token_and_a_revoked_token_are_401(creator):
    assert APIClient().get(CASES).status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer kotae_nonsense")
    response = client.get(CASES)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    row, token = api_token_create(user=creator, name="old")
    api_token_revoke(token=row)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(CASES).status_code == 401


def test_a_token_in_use_stops_at_once_when_revoked_or_its_user_is_deactivated(
        client, creator):
    """Tokens are cached for a minute; revoking one or deactivating its user must not
    wait for that."""
    row, token = api_token_create(user=creator, name="in use")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(CASES).status_code == 200  # now in the cache
    client.force_login(creator)
    client.post(reverse("accounts:api_token_revoke", args=[row.pk]))
    assert api.get(CASES).status_code == 401

    _row, token = api_token_create(user=creator, name="second")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(CASES).status_code == 200
    creator.is_active = False
    creator.save()
    assert api.get(CASES).status_code == 401


def test_tokens_still_work_when_the_cache_is_down(creator, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    client = client_for(creator)
    for method in ("get", "set", "delete_many"):
        monkeypatch.setattr(cache, method, down)
    monkeypatch.setattr("complaints.api.throttling.ApiQuotaThrottle.allow_request",
                        lambda self, request, view: True)
    assert client.get(CASES).status_code == 200
    assert client.post(CASES, complaint(), format="json").status_code == 201


@pytest.mark.parametrize("body", [complaint(), objection(), inquiry()],
                         ids=["output_complaint", "training_objection", "inquiry"])
def test_file_each_kind(creator, body, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CASES, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("KT-") and data["kind"] == body["kind"]
    assert data["status"] == "submitted"
    assert {d["clock"] for d in data["deadlines"]} >= {"first_response"}
    case = Case.objects.get(reference=data["reference"])
    assert case.filer == creator
    assert [m.to for m in mailoutbox] == [[creator.email]]  # the receipt


def test_errors_have_one_shape_in_the_callers_language(creator):
    client = client_for(creator)
    bad = complaint(locations=[{"url": "https://dreamreel.example/"}], signature="",
                    works=[{"title": "", "kind": "anime"}])
    response = client.post(CASES, bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == "invalid"
    assert "locations.0.url" in body["fields"] and "works.0.title" in body["fields"]
    assert "exact output" in body["fields"]["locations.0.url"][0]
    japanese = client.post(CASES, bad, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert "サイトまたはチャンネル全体" in japanese.json()["fields"]["locations.0.url"][0]
    assert Case.objects.count() == 0
    not_json = client.post(CASES, "{nope", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"


def test_kind_rules_name_what_is_missing(creator):
    client = client_for(creator)
    response = client.post(CASES, {"kind": "output_complaint", "title": "x",
                                   "accuracy_statement": True, "signature": "H"},
                           format="json")
    fields = response.json()["fields"]
    assert {"ai_product", "similarity", "remedies", "works", "locations",
            "good_faith_statement"} <= set(fields)
    agent = client.post(CASES, inquiry(agent={"principal_name": "  "}), format="json")
    assert set(agent.json()["fields"]) == {"agent.principal_name", "agent.authority_statement"}
    filed = client.post(CASES, inquiry(agent={"principal_name": "Studio Hoshizora",
                                              "authority_statement": "Engaged by contract."}),
                        format="json")
    assert filed.status_code == 201 and filed.json()["filed_as"] == "agent"
    assert filed.json()["principal_name"] == "Studio Hoshizora"
    wrong_types = client.post(CASES, {**inquiry(), "title": 12, "accuracy_statement": "yes"},
                              format="json")
    assert {"title", "accuracy_statement"} <= set(wrong_types.json()["fields"])
    unknown = client.post(CASES, {"kind": "nonsense"}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["fields"]


def test_list_filters_and_cursor_pages(creator, other_creator, django_assert_num_queries):
    client = client_for(creator)
    for _ in range(3):
        file_case(filer=creator)
    file_case(filer=other_creator)
    page = client.get(CASES, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    refs = {c["reference"] for c in page["results"] + rest["results"]}
    assert refs == set(Case.objects.filter(filer=creator).values_list("reference", flat=True))
    one = Case.objects.filter(filer=creator).first()
    assert [c["reference"] for c in client.get(
        CASES, {"reference": one.reference}).json()["results"]] == [one.reference]
    assert client.get(CASES, {"status": "decided"}).json()["results"] == []
    assert len(client.get(CASES, {"kind": "output_complaint"}).json()["results"]) == 3
    assert client.get(CASES, {"updated_since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    bad = client.get(CASES, {"status": "nonsense", "updated_since": "yesterday"})
    assert bad.status_code == 400 and {"status", "updated_since"} <= set(bad.json()["fields"])


@pytest.mark.parametrize("rows", [5, 50])
def test_list_uses_the_same_queries_at_5_and_50_cases(creator, rows,
                                                      django_assert_num_queries):
    from tests.factories import due_cases

    due_cases(rows, filer=creator)
    client = client_for(creator)
    client.get(CASES)  # the token's first use reads it and writes its last-used time
    # the token and the quota come from the cache: the page is the one query
    with django_assert_num_queries(1):
        response = client.get(CASES, {"page_size": 100})
    assert len(response.json()["results"]) == rows


def test_case_detail_reply_withdraw(creator):
    client = client_for(creator)
    case = file_case(filer=creator)
    url = f"/api/v1/cases/{case.reference}/"
    detail = client.get(url).json()
    assert detail["reference"] == case.reference and detail["works"][0]["title"]
    reply = client.post(url + "replies/", {"body": "Here is the frame number: 412."},
                        format="json")
    assert reply.status_code == 201 and reply.json()["from_staff"] is False
    assert client.get(url).json()["messages"][-1]["body"] == "Here is the frame number: 412."
    withdrawn = client.post(url + "withdraw/", {"reason": "Settled."}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(url + "withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "closed"


def test_evidence_upload_is_checked_by_content(creator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(creator)
    case = file_case(filer=creator)
    url = f"/api/v1/cases/{case.reference}/evidence/"
    ok = client.post(url, {"file": SimpleUploadedFile("frame.png", PNG_BYTES)},
                     format="multipart")
    assert ok.status_code == 201 and ok.json()["content_type"] == "image/png"
    fake = client.post(url, {"file": SimpleUploadedFile("frame.png", b"MZ\x90\x00 not a png")},
                       format="multipart")
    assert fake.status_code == 415 and fake.json()["code"] == "file_type"
    assert case.evidence.count() == 1


def test_appeal_a_decided_case(creator, operator):
    client = client_for(creator)
    case = file_case(filer=creator)
    url = f"/api/v1/cases/{case.reference}/appeal/"
    body = {"appeal_grounds": "Frame 412 was overlooked.", "good_faith_statement": True,
            "accuracy_statement": True, "signature": "Hanako Yamada"}
    early = client.post(url, body, format="json")
    assert early.status_code == 409 and "decided" in early.json()["message"]
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                    actions=["no_action"], facts="Not similar.", ground="Policy 3.1.",
                    automated_means=False)
    response = client.post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "appeal" and response.json()["appeal_of"] == case.reference


def test_bulk_files_what_is_valid_and_names_what_is_not(creator):
    client = client_for(creator)
    items = [complaint(title=f"Copy {i}") for i in range(3)]
    items[1] = complaint(locations=[{"url": "https://dreamreel.example"}])
    items.append(inquiry())
    response = client.post("/api/v1/cases/bulk/", {"cases": items}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 3 and body["failed"] == 1
    assert [("reference" in r, "errors" in r) for r in body["results"]] == [
        (True, False), (False, True), (True, False), (True, False)]
    assert "locations.0.url" in body["results"][1]["errors"]
    assert Case.objects.count() == 3
    too_many = client.post("/api/v1/cases/bulk/", {"cases": [inquiry()] * 501}, format="json")
    assert too_many.status_code == 400 and Case.objects.count() == 3


def test_bulk_500_cases_in_one_request(creator):
    client = client_for(creator)
    items = [complaint(title=f"Copy {i}",
                       locations=[{"url": f"https://dreamreel.example/v/{i}"}])
             for i in range(500)]
    response = client.post("/api/v1/cases/bulk/", {"cases": items}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 500
    assert Case.objects.filter(filer=creator).count() == 500


def test_idempotency_key_returns_the_first_answer(creator):
    client = client_for(creator)
    key = str(uuid.uuid4())
    first = client.post(CASES, inquiry(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(CASES, inquiry(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    other = client.post(CASES, inquiry(title="Another"), format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    bulk_key = str(uuid.uuid4())
    for _ in range(2):
        bulk = client.post("/api/v1/cases/bulk/", {"cases": [inquiry(), objection()]},
                           format="json", HTTP_IDEMPOTENCY_KEY=bulk_key)
        assert bulk.json()["created"] == 2
    assert Case.objects.count() == 3
    assert IdempotencyRecord.objects.count() == 2


def test_quota_answers_429_with_retry_after(creator, settings):
    settings.KOTAE_API_RATE = "3/min"
    client = client_for(creator)
    statuses = [client.get(CASES).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(CASES)
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_browser_session_needs_csrf(creator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(creator)
    assert client.get(CASES).status_code == 200
    response = client.post(CASES, inquiry(), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_schema_and_docs_are_public(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert b"/api/v1/cases/bulk/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200


def id_patterns():
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if "reference" in pattern.pattern.converters:
            yield pattern.name


def test_every_endpoint_with_an_id_is_404_for_another_filer(creator, other_creator, operator):
    case = file_case(filer=creator)
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                    actions=["no_action"], facts="f", ground="g", automated_means=False)
    client = client_for(other_creator)
    # The product's own endpoint refuses every other account before it looks anything up
    # (tests/complaints/api/test_location_owner.py).
    names = set(id_patterns()) - {"location_owner"}
    assert names == {"case_detail", "case_reply", "case_evidence", "case_withdraw",
                     "case_appeal", "case_retract", "case_court_action"}
    for name in names:
        url = reverse(f"api:{name}", args=[case.reference])
        for method in ("get", "post"):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code in (404, 405), (name, method, response.status_code)
            if response.status_code == 404:
                assert response.json()["code"] == "not_found"
    case.refresh_from_db()
    assert case.status == "decided" and case.messages.count() == 0


def test_tokens_page_and_revoking_are_the_owners_only(client, creator, other_creator):
    row, token = api_token_create(user=creator, name="mine")
    client.force_login(other_creator)
    url = reverse("accounts:api_token_revoke", args=[row.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405  # revoking is a POST, and only one's own
    assert "mine" not in client.get(reverse("accounts:api_tokens")).content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None
    made = client.post(reverse("accounts:api_tokens"), {"name": "theirs"})
    assert made.status_code == 302
    page = client.get(reverse("accounts:api_tokens")).content.decode()
    assert 'id="new-token"' in page and "theirs" in page
    again = client.get(reverse("accounts:api_tokens")).content.decode()
    assert 'id="new-token"' not in again  # shown once


def test_the_schema_maps_each_kind_to_its_own_body(client):
    """A client generated from the schema picks the body by `kind`: each kind a filer
    may file must map to its own schema (it once read {null: InquiryInRequest})."""
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    body = schema.json()["components"]["schemas"]["CaseCreateRequest"]
    mapping = body["discriminator"]["mapping"]
    assert mapping == {
        "output_complaint": "#/components/schemas/OutputComplaintInRequest",
        "training_objection": "#/components/schemas/TrainingObjectionInRequest",
        "inquiry": "#/components/schemas/InquiryInRequest",
    }
