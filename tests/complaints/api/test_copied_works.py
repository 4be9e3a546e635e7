"""Which location copies which work, through every channel: a location naming a work and
its exact repeat (merged into one stored work) is filed, linked once; the read-back says,
per location, the works it copies by their numbers in the case's `works`, and the
contact details the notice gave, so a filing agent can check what was stored."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Case
from tests.complaints.api.test_api import CASES, client_for, complaint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "https://dreamreel.example/v/"
DRAFTS = "/api/v1/drafts/"
A, B = {"title": "A", "kind": "anime"}, {"title": "B", "kind": "anime"}


def _filed(response) -> Case:
    assert response.status_code == 201, response.content[:500]
    return Case.objects.get(reference=response.json()["reference"])


def _copied(case) -> dict[str, list[str]]:
    return {loc.url: sorted(w.title for w in loc.works.all()) for loc in case.locations.all()}


def test_a_location_naming_a_work_and_its_repeat_is_linked_once(creator):
    client = client_for(creator)
    client.raise_request_exception = False
    response = client.post(CASES, complaint(works=[A, B, A], locations=[
        {"url": f"{URL}1", "works": [1, 3]}, {"url": f"{URL}2", "works": [3, 2]}]),
        format="json")
    case = _filed(response)
    assert _copied(case) == {f"{URL}1": ["A"], f"{URL}2": ["A", "B"]}
    assert [loc["works"] for loc in response.json()["locations"]] == [[1], [1, 2]]


def test_a_repeated_location_naming_repeated_works_is_linked_once(creator):
    client = client_for(creator)
    client.raise_request_exception = False
    case = _filed(client.post(CASES, complaint(works=[A, A], locations=[
        {"url": f"{URL}1", "works": [1]}, {"url": f"{URL}1", "works": [2]}]),
        format="json"))
    assert _copied(case) == {f"{URL}1": ["A"]}


def test_a_draft_naming_a_work_and_its_repeat_is_filed(creator):
    client = client_for(creator)
    client.raise_request_exception = False
    body = complaint(works=[A, B, A], locations=[{"url": f"{URL}1", "works": [1, 3]}])
    draft = client.post(DRAFTS, body, format="json").json()
    case = _filed(client.post(f"{DRAFTS}{draft['id']}/submit/", format="json"))
    assert _copied(case) == {f"{URL}1": ["A"]}


def test_the_read_back_says_the_contact_details_and_which_works_each_location_copies(
        creator):
    client = client_for(creator)
    body = complaint(
        works=[A, B], locations=[{"url": f"{URL}1", "works": [2, 1]}, {"url": f"{URL}2"}],
        agent={"principal_name": "Studio H", "authority_statement": "Mandate of 1 May",
               "postal_address": "4-5-6 Ginza, Chuo-ku, Tokyo", "phone": "+81 3-9876-5432"})
    reference = client.post(CASES, body, format="json").json()["reference"]
    detail = client.get(f"{CASES}{reference}/").json()
    assert detail["postal_address"] == "1-2-3 Jingumae, Shibuya-ku, Tokyo"
    assert detail["phone"] == "+81 3-1234-5678"
    assert detail["principal_postal_address"] == "4-5-6 Ginza, Chuo-ku, Tokyo"
    assert detail["principal_phone"] == "+81 3-9876-5432"
    assert [w["number"] for w in detail["works"]] == [1, 2]
    assert [loc["works"] for loc in detail["locations"]] == [[1, 2], []]
    assert client_for(UserFactory()).get(f"{CASES}{reference}/").status_code == 404


def _detail_queries(client, reference) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{CASES}{reference}/").status_code == 200
    return len(queries)


def test_the_read_back_of_copied_works_costs_the_same_queries_at_2_and_40_locations(
        creator):
    client = client_for(creator)
    counts = []
    for n in (2, 40):
        body = complaint(works=[A, B], locations=[
            {"url": f"{URL}{n}-{i}", "works": [1 + i % 2]} for i in range(n)])
        counts.append(_detail_queries(client, client.post(CASES, body, format="json")
                                      .json()["reference"]))
    assert counts[0] == counts[1]


def test_the_schema_describes_the_contact_details_and_copied_works(creator):
    schema = client_for(creator).get("/api/v1/schema/?format=json").json()["components"]
    detail = schema["schemas"]["CaseDetail"]["properties"]
    for name in ("postal_address", "phone", "principal_postal_address", "principal_phone"):
        assert detail[name]["type"] == "string", name
    assert schema["schemas"]["Location"]["properties"]["works"]["items"]["type"] == "integer"
    assert schema["schemas"]["Work"]["properties"]["number"]["type"] == "integer"
