"""Retracting through the API: the same rule and the same words as the portal."""
import pytest
from django.urls import reverse

from complaints.models import RetractionUndo
from tests.complaints.api.test_api import client_for
from tests.complaints.portal.test_retract import A, B, decide, retract, two_locations

pytestmark = pytest.mark.django_db

STATEMENT = "We licensed the character to them."


def api_retract(client, case, **body):
    return client.post(reverse("api:case_retract", args=[case.reference]),
                       {"statement": STATEMENT, **body}, format="json")


def test_some_locations_before_the_decision(creator):
    case = two_locations(creator)
    response = api_retract(client_for(creator), case, locations=[B])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert [(loc["url"], loc["retracted"]) for loc in body["locations"]] == [
        (A, False), (B, True)]


def test_whole_after_the_decision_marks_actions_to_undo(creator, operator):
    case = two_locations(creator)
    decide(case, operator)
    response = api_retract(client_for(creator), case, whole=True)
    assert response.status_code == 200 and response.json()["status"] == "decided"
    assert all(loc["retracted"] for loc in response.json()["locations"])
    assert sorted(RetractionUndo.objects.filter(retraction__case=case)
                  .values_list("action", flat=True)) == ["output_removed", "prompt_blocked"]
    again = api_retract(client_for(creator), case, whole=True)
    assert again.status_code == 409
    assert again.json()["message"] == "This notice has already been retracted."


def test_withdraw_still_answers_409_after_a_decision(creator, operator):
    case = two_locations(creator)
    decide(case, operator)
    response = client_for(creator).post(reverse("api:case_withdraw", args=[case.reference]),
                                        {}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize(("api_body", "form_data", "field", "message"), [
    ({}, {"scope": "some"}, "locations",
     "Choose the whole notice or at least one output location."),
    ({"locations": ["https://elsewhere.example/v/1"]},
     {"scope": "some", "locations": ["https://elsewhere.example/v/1"]}, "locations",
     "“https://elsewhere.example/v/1” is not an output location of this case."),
    ({"whole": True, "statement": ""}, {"statement": ""}, "statement",
     "Say in a few words why you are retracting."),
])
def test_the_api_and_the_portal_refuse_in_the_same_words(client, creator, api_body,
                                                         form_data, field, message):
    case = two_locations(creator)
    response = api_retract(client_for(creator), case, **api_body)
    assert response.status_code == 400
    assert response.json()["fields"][field] == [message]
    client.force_login(creator)
    assert message in retract(client, case, **form_data).content.decode()


def test_already_retracted_in_the_same_words(client, creator):
    case = two_locations(creator)
    api_retract(client_for(creator), case, locations=[A])
    response = api_retract(client_for(creator), case, locations=[A])
    message = f"“{A}” has already been retracted."
    assert response.status_code == 400 and response.json()["fields"]["locations"] == [message]
    client.force_login(creator)
    assert message in retract(client, case, scope="some", locations=[A]).content.decode()


def test_another_filer_gets_404(creator, other_creator):
    case = two_locations(creator)
    response = api_retract(client_for(other_creator), case, whole=True)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not case.retractions.exists()


def test_the_schema_describes_the_endpoint(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/cases/{reference}/retract/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "404", "409"}
    assert "statement" in str(schema["components"]["schemas"]["RetractRequest"])
