"""One notice, any size, through the API: limits said first (with how many were sent),
repeats merged with a note, rows a page at a time on the way out, and drafts that take
their rows in pages and are filed once, as one case."""
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.domain.events import EventType
from complaints.domain.kinds import MAX_LOCATIONS, MAX_WORKS, too_many
from complaints.models import Case, FilingDraft, Notification
from tests.complaints.api.test_api import CASES, client_for, complaint, inquiry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "https://dreamreel.example/v/"
DRAFTS = "/api/v1/drafts/"


def locations(n, start=0):
    return [{"url": f"{URL}{i}"} for i in range(start, start + n)]


def works(n, start=0):
    return [{"title": f"Work {i}", "kind": "anime", "identifier": f"ISBN-{i}"}
            for i in range(start, start + n)]


def test_too_many_locations_is_said_first_with_how_many_were_sent(creator):
    client = client_for(creator)
    body = complaint(locations=[*locations(MAX_LOCATIONS), {"url": "javascript:1"}])
    response = client.post(CASES, body, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["locations"] == [str(too_many("locations", MAX_LOCATIONS + 1))]
    assert "10,000" in fields["locations"][0] and "10,001" in fields["locations"][0]
    assert not [name for name in fields if name.startswith("locations.")]  # no row errors
    assert Case.objects.count() == 0


def test_too_many_works_is_said_with_the_limit(creator):
    response = client_for(creator).post(CASES, complaint(works=works(MAX_WORKS + 5)),
                                        format="json")
    message = response.json()["fields"]["works"][0]
    assert "1,000" in message and "1,005" in message and "leave out 5" in message


def test_the_schema_states_the_limits(creator):
    schema = client_for(creator).get("/api/v1/schema/?format=json").json()
    request = schema["components"]["schemas"]["OutputComplaintInRequest"]["properties"]
    assert request["locations"]["maxItems"] == MAX_LOCATIONS
    assert request["works"]["maxItems"] == MAX_WORKS
    assert "At most 10,000 in one case" in request["locations"]["description"]
    assert "/api/v1/drafts/{draft_id}/locations/" in schema["paths"]


def test_repeated_locations_and_works_are_stored_once_with_a_note(creator):
    body = complaint(
        locations=[{"url": f"{URL}1"}, {"url": "dreamreel.example/v/1"}, {"url": f"{URL}1"},
                   {"url": f"{URL}2"}],
        works=[*works(2), {"title": " Work 0", "kind": "anime", "identifier": "ISBN-0 "}])
    response = client_for(creator).post(CASES, body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["merged_duplicates"] == {"locations": 2, "works": 1}
    assert answer["notes"] == [
        "2 output locations were given more than once and are stored once.",
        "1 work was named more than once (every detail the same) and is stored once."]
    case = Case.objects.get()
    assert list(case.locations.values_list("url", flat=True)) == [f"{URL}1", f"{URL}2"]
    assert case.works.count() == 2
    event = case.events.get(event_type=EventType.DUPLICATES_MERGED)
    assert event.new_value == {"locations": 2, "works": 1}


def test_works_of_the_same_title_but_another_kind_or_holder_are_not_merged(creator):
    same_title = [{"title": "Hoshizora Quest", "kind": "anime"},
                  {"title": "Hoshizora Quest", "kind": "manga"},
                  {"title": "Hoshizora Quest", "kind": "manga", "rights_holder": "Other Co."}]
    response = client_for(creator).post(CASES, complaint(works=same_title), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["merged_duplicates"] == {"locations": 0, "works": 0}
    assert answer["notes"] == []
    case = Case.objects.get()
    assert list(case.works.order_by("position").values_list("kind", "rights_holder")) == [
        ("anime", ""), ("manga", ""), ("manga", "Other Co.")]
    assert not case.events.filter(event_type=EventType.DUPLICATES_MERGED).exists()


def test_a_notice_without_repeats_has_no_notes(creator):
    answer = client_for(creator).post(CASES, complaint(), format="json").json()
    assert answer["notes"] == [] and answer["merged_duplicates"] == {"locations": 0,
                                                                      "works": 0}


def test_case_detail_pages_its_locations_and_works(creator):
    client = client_for(creator)
    created = client.post(CASES, complaint(locations=locations(250), works=works(3)),
                          format="json").json()
    assert len(created["locations"]) == 100
    assert created["pages"]["locations"] == {"page": 1, "pages": 3, "count": 250,
                                             "per_page": 100}
    url = f"{CASES}{created['reference']}/"
    third = client.get(url, {"locations_page": 3}).json()
    assert [loc["url"] for loc in third["locations"]][0] == f"{URL}200"
    assert len(third["locations"]) == 50 and third["pages"]["works"]["count"] == 3
    assert client.get(url, {"locations_page": "x"}).json()["pages"]["locations"]["page"] == 1


def _detail_queries(client, reference) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{CASES}{reference}/").status_code == 200
    return len(ctx.captured_queries)


def test_case_detail_costs_the_same_queries_at_5_and_50_rows(creator):
    client = client_for(creator)
    few = client.post(CASES, complaint(locations=locations(5)), format="json").json()
    many = client.post(CASES, complaint(locations=locations(50), works=works(50)),
                       format="json").json()
    assert _detail_queries(client, few["reference"]) == _detail_queries(
        client, many["reference"])


# --- Drafts: a notice a page at a time ------------------------------------------------

def _open(client, **overrides):
    body = complaint(**overrides)
    body.pop("locations"), body.pop("works")
    response = client.post(DRAFTS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_draft_takes_pages_and_is_filed_once_as_one_case(creator, mailoutbox):
    client = client_for(creator)
    draft = _open(client)
    assert draft["counts"] == {"locations": 0, "works": 0}
    assert draft["limits"] == {"locations": 10_000, "works": 1_000, "page": 1_000}
    base = f"{DRAFTS}{draft['id']}/"
    for start in (0, 3):
        answer = client.post(f"{base}locations/", {"locations": locations(3, start)},
                             format="json")
        assert answer.status_code == 200, answer.content
    client.post(f"{base}locations/", {"locations": locations(1, 0)}, format="json")
    client.post(f"{base}works/", {"works": works(2)}, format="json")
    assert client.get(base).json()["counts"] == {"locations": 7, "works": 2}

    filed = client.post(f"{base}submit/", format="json")
    assert filed.status_code == 201, filed.content
    answer = filed.json()
    assert answer["pages"]["locations"]["count"] == 6  # one repeat merged
    assert answer["notes"] == [
        "1 output location was given more than once and is stored once."]
    case = Case.objects.get()
    assert case.deadlines.count() == 2
    assert Notification.objects.filter(case=case, key__endswith=":receipt").count() == 1
    assert client.post(f"{base}submit/", format="json").status_code == 404  # once
    assert client.get(base).status_code == 404 and not FilingDraft.objects.exists()


def test_a_draft_is_its_owner_s_alone(creator):
    draft = _open(client_for(creator))
    other = client_for(UserFactory())
    base = f"{DRAFTS}{draft['id']}/"
    assert other.get(base).status_code == 404
    assert other.post(f"{base}locations/", {"locations": locations(1)},
                      format="json").status_code == 404
    assert other.post(f"{base}submit/", format="json").status_code == 404
    assert other.delete(base).status_code == 404
    assert client_for(creator).get(base).status_code == 200


def test_an_expired_draft_is_gone_and_purged_with_its_rows(creator):
    from complaints.models import FilingDraftRow
    from complaints.services.evidence import staged_uploads_purge

    client = client_for(creator)
    draft = _open(client)
    client.post(f"{DRAFTS}{draft['id']}/locations/", {"locations": locations(5)},
                format="json")
    FilingDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{DRAFTS}{draft['id']}/").status_code == 404
    assert client.post(f"{DRAFTS}{draft['id']}/submit/", format="json").status_code == 404
    staged_uploads_purge()
    assert not FilingDraft.objects.exists() and not FilingDraftRow.objects.exists()


def test_a_page_extends_the_draft_s_life(creator):
    client = client_for(creator)
    draft = _open(client)
    FilingDraft.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    client.post(f"{DRAFTS}{draft['id']}/works/", {"works": works(1)}, format="json")
    assert FilingDraft.objects.get().expires_at > timezone.now() + timedelta(days=6)


def test_a_page_is_checked_whole_and_the_limits_hold(creator, settings):
    client = client_for(creator)
    base = f"{DRAFTS}{_open(client)['id']}/"
    bad = client.post(f"{base}locations/", {"locations": [*locations(2), {"url": "x"}]},
                      format="json")
    assert bad.status_code == 400 and "locations.2.url" in bad.json()["fields"]
    too_big = client.post(f"{base}locations/", {"locations": locations(1_001)},
                          format="json")
    assert too_big.status_code == 400
    assert "at most 1,000 rows in one page, and 1,001 were sent" in \
        too_big.json()["fields"]["locations"][0]
    assert client.get(base).json()["counts"]["locations"] == 0  # nothing of either page
    for start in range(0, MAX_WORKS, 500):
        assert client.post(f"{base}works/", {"works": works(500, start)},
                           format="json").status_code == 200
    over = client.post(f"{base}works/", {"works": works(1, MAX_WORKS)}, format="json")
    assert over.status_code == 400
    assert over.json()["fields"]["works"] == [str(too_many("works", MAX_WORKS + 1))]


def test_a_draft_refuses_what_its_kind_does_not_have_and_says_what_is_missing(creator):
    client = client_for(creator)
    body = inquiry()
    body.pop("questions")  # said when it is filed, not when it is opened
    draft = client.post(DRAFTS, body, format="json").json()
    base = f"{DRAFTS}{draft['id']}/"
    refused = client.post(f"{base}locations/", {"locations": locations(1)}, format="json")
    assert refused.status_code == 400
    assert "has no output locations" in refused.json()["fields"]["locations"][0]
    assert client.patch(base, {"title": " "}, format="json").status_code == 400
    unfiled = client.post(f"{base}submit/", format="json")
    assert unfiled.status_code == 400 and "questions" in unfiled.json()["fields"]
    assert client.patch(base, {"questions": ["Was it used?"]},
                        format="json").status_code == 200
    assert client.post(f"{base}submit/", format="json").status_code == 201


def test_a_draft_s_notice_may_bring_a_first_page(creator):
    client = client_for(creator)
    draft = client.post(DRAFTS, complaint(locations=locations(3)), format="json").json()
    assert draft["counts"] == {"locations": 3, "works": 1}
    too_big = client.post(DRAFTS, complaint(locations=locations(1_001)), format="json")
    assert too_big.status_code == 400 and "1,001 were sent" in \
        too_big.json()["fields"]["locations"][0]
    assert FilingDraft.objects.count() == 1


# --- 10,000 locations (slow: run with -m slow) -----------------------------------------

@pytest.mark.slow
def test_ten_thousand_locations_in_one_request(creator, settings):
    client = client_for(creator)
    body = complaint(locations=locations(MAX_LOCATIONS), works=works(MAX_WORKS))
    response = client.post(CASES, body, format="json")
    assert response.status_code == 201, response.content[:500]
    answer = response.json()
    assert answer["pages"]["locations"]["count"] == MAX_LOCATIONS
    assert answer["pages"]["works"]["count"] == MAX_WORKS
    assert Case.objects.get().locations.count() == MAX_LOCATIONS
    last = client.get(f"{CASES}{answer['reference']}/", {"locations_page": 100}).json()
    assert last["locations"][-1]["url"] == f"{URL}{MAX_LOCATIONS - 1}"


@pytest.mark.slow
def test_ten_thousand_locations_in_pages_of_a_draft(creator):
    client = client_for(creator)
    base = f"{DRAFTS}{_open(client)['id']}/"
    for start in range(0, MAX_LOCATIONS, 1_000):
        assert client.post(f"{base}locations/", {"locations": locations(1_000, start)},
                           format="json").status_code == 200
    client.post(f"{base}works/", {"works": works(MAX_WORKS)}, format="json")
    assert client.get(base).json()["counts"] == {"locations": MAX_LOCATIONS,
                                                 "works": MAX_WORKS}
    filed = client.post(f"{base}submit/", format="json")
    assert filed.status_code == 201, filed.content[:500]
    case = Case.objects.get()
    assert case.locations.count() == MAX_LOCATIONS and case.deadlines.count() == 2
    small = client.post(CASES, complaint(locations=locations(5)), format="json").json()
    assert _detail_queries(client, case.reference) == _detail_queries(
        client, small["reference"])


def test_a_submission_retried_with_its_key_gets_the_same_case(creator):
    client = client_for(creator)
    body = complaint()
    body.pop("locations")
    draft = client.post(DRAFTS, body, format="json").json()
    client.post(f"{DRAFTS}{draft['id']}/locations/", {"locations": locations(2)},
                format="json")
    first = client.post(f"{DRAFTS}{draft['id']}/submit/", format="json",
                        HTTP_IDEMPOTENCY_KEY="submit-1")
    again = client.post(f"{DRAFTS}{draft['id']}/submit/", format="json",
                        HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert again["Idempotent-Replayed"] == "true" and Case.objects.count() == 1


@pytest.mark.parametrize("kind", [[], {}, 7, None])
def test_a_draft_with_a_kind_of_the_wrong_type_is_refused_not_a_500(creator, kind):
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=creator, name='t')[1]}")
    for address in ("/api/v1/drafts/", "/api/v1/cases/"):
        response = client.post(address, {"kind": kind}, format="json")
        assert response.status_code == 400 and "kind" in response.json()["fields"], address


def test_a_draft_keeps_only_the_parts_it_knows(creator):
    # Stray keys (here with NUL, which PostgreSQL's JSON cannot hold) are not kept.
    from rest_framework.test import APIClient

    from accounts.services import api_token_create
    from complaints.models import FilingDraft

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=creator, name='t')[1]}")
    opened = client.post("/api/v1/drafts/", {
        "kind": "output_complaint", "title": "Scenes copied", "stray\u0000": {"a\u0000": 1},
        "agent": {"principal_name": "Studio H", "authority_statement": "Mandate",
                  "x\u0000": "y"},
        "locations": [{"url": "https://dreamreel.example/v/1", "z\u0000": 0}]},
        format="json")
    assert opened.status_code == 201, opened.json()
    added = client.post(f"/api/v1/drafts/{opened.json()['id']}/locations/",
                        {"locations": [{"url": "https://dreamreel.example/v/2", "q\u0000": 1}]},
                        format="json")
    assert added.status_code == 200, added.json()
    draft = FilingDraft.objects.get()
    assert "\\u0000" not in json.dumps(draft.data)
    assert set(draft.data) == {"kind", "title", "agent"}
    assert json.dumps([r.data for r in draft.rows.all()]).count("\\u0000") == 0


def _body_schema(client, path: str, method: str):
    """Whether the published schema takes a body for `method path`, as a client that
    checks its requests against the schema would ask."""
    from openapi_schema_validator import OAS30Validator

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
    return OAS30Validator({**body["schema"], "components": schema["components"]}).is_valid


def test_a_draft_s_schema_takes_what_the_endpoint_takes_and_refuses_what_it_refuses(creator):
    client = client_for(creator)
    opens = _body_schema(client, DRAFTS, "post")
    for body, status in [
        ({"kind": "inquiry", "postal_address": ""}, 201),  # a blank optional part
        ({"kind": "output_complaint", "ai_model": "", "remedy_other": ""}, 201),
        ({"kind": "training_objection", "stray": 1}, 201),  # ignored, as in a new case
        ({"kind": "inquiry", "postal_address": 7}, 400),
        ({"kind": "output_complaint", "law": "mars"}, 400),
    ]:
        assert client.post(DRAFTS, body, format="json").status_code == status, body
        assert opens(body) is (status == 201), body
    changes = _body_schema(client, f"{DRAFTS}{{draft_id}}/", "patch")
    base = f"{DRAFTS}{_open(client)['id']}/"
    for body, status in [
        ({"title": "Scenes copied"}, 200),  # fits every kind: the draft has one
        ({"phone": "", "similarity": "The face"}, 200),
        ({"title": 5}, 400),
        ({"signature": " "}, 400),
    ]:
        assert client.patch(base, body, format="json").status_code == status, body
        assert changes(body) is (status == 200), body


def test_each_page_s_schema_names_its_own_rows(creator):
    # Both pages once shared one schema: the works page's said it took `locations`.
    client = client_for(creator)
    base = f"{DRAFTS}{_open(client)['id']}/"
    for part, rows, other in [("works", works(2), locations(1)),
                              ("locations", locations(2), works(1))]:
        takes = _body_schema(client, f"{DRAFTS}{{draft_id}}/{part}/", "post")
        wrong = {"locations" if part == "works" else "works": other}
        assert takes({part: rows}) and not takes(wrong), part
        assert client.post(f"{base}{part}/", {part: rows}, format="json").status_code == 200
        assert client.post(f"{base}{part}/", wrong, format="json").status_code == 400

def test_a_kind_without_locations_refuses_them_alike_in_every_channel(creator):
    client = client_for(creator)
    said = "A notice of this kind has no output locations."
    opened = client.post(DRAFTS, {**inquiry(), "locations": locations(1)}, format="json")
    filed = client.post(CASES, {**inquiry(), "locations": locations(1)}, format="json")
    draft = client.post(DRAFTS, inquiry(), format="json").json()
    added = client.post(f"{DRAFTS}{draft['id']}/locations/", {"locations": locations(1)},
                        format="json")
    for answer in (opened, filed, added):
        assert answer.status_code == 400
        assert answer.json()["fields"]["locations"] == [said]
    assert Case.objects.count() == 0 and FilingDraft.objects.count() == 1
