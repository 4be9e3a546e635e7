"""One list of invalid filings, refused by the portal and by the API with the same words:
the domain's (complaints/domain/kinds.py, locations.py), which case_submit applies too."""
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.domain.kinds import (
    ERROR_LAW_NOT_ASKED,
    ERROR_LAW_UNKNOWN,
    ERROR_STATEMENT,
    MISSING,
    too_many,
)
from complaints.domain.locations import ERROR_LOCATION_FORMAT, ERROR_NOT_EXACT
from complaints.models import Case, Decision
from complaints.services.decisions import decision_record
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

URL = "https://dreamreel.example/v/abc123"
WORK = {"title": "Hoshizora Quest", "kind": "anime"}
STATEMENTS = {"good_faith_statement": True, "accuracy_statement": True,
              "signature": "Hanako Yamada"}
API = {
    "output-complaint": {"kind": "output_complaint", "title": "Copied", "law": "us_dmca",
                         "ai_product": "DreamReel", "similarity": "Same face.",
                         "remedies": ["remove_output"], "works": [WORK],
                         "locations": [{"url": URL}], **STATEMENTS},
    "training-objection": {"kind": "training_objection", "title": "Do not train on us",
                           "training_uses": ["training"], "works": [WORK], **STATEMENTS},
    "inquiry": {"kind": "inquiry", "title": "Was our anime used?",
                "questions": ["Was it in reel-2?"], "accuracy_statement": True,
                "signature": "Hanako Yamada"},
    "appeal": {"appeal_grounds": "Frame 412 was overlooked.", **STATEMENTS},
}
PORTAL = {"output-complaint": portal_data.output_complaint,
          "training-objection": portal_data.training_objection,
          "inquiry": portal_data.inquiry, "appeal": portal_data.appeal}
LEFT_OUT = object()


@dataclass(frozen=True)
class Invalid:
    """A filing of `kind` with one mistake, as the portal's form and the API's body send it;
    the message the filer must see, and the API's name of the field it is about."""

    kind: str
    portal: dict
    api: dict
    message: object
    field: str


def _rows(prefix, total, **values):
    return {**portal_data.management(prefix, total), **values}


BLANK_WORK = {"works-0-title": "", "works-0-kind": "", "works-0-rights_holder": ""}
INVALID = {
    "complaint without works": Invalid(
        "output-complaint", BLANK_WORK, {"works": []}, MISSING["works"], "works"),
    "complaint without an output location": Invalid(
        "output-complaint", {"locations-0-url": "", "locations-0-seen_at": ""},
        {"locations": []}, MISSING["locations"], "locations"),
    "complaint asking for nothing": Invalid(
        "output-complaint", {"remedies": LEFT_OUT}, {"remedies": []}, MISSING["remedies"],
        "remedies"),
    "complaint without a law": Invalid(
        "output-complaint", {"law": LEFT_OUT}, {"law": LEFT_OUT}, MISSING["law"], "law"),
    "a law not offered": Invalid(
        "output-complaint", {"law": "mars"}, {"law": "mars"}, ERROR_LAW_UNKNOWN, "law"),
    "objection under a law not offered": Invalid(
        "training-objection", {"law": "mars"}, {"law": "mars"}, ERROR_LAW_UNKNOWN, "law"),
    "objection without works or catalogue": Invalid(
        "training-objection", {"whole_catalogue": ""}, {"works": []}, MISSING["works"],
        "works"),
    "whole catalogue without identifiers": Invalid(
        "training-objection", {"catalogue_identifiers": " "},
        {"catalogue": {"identifiers": " "}}, MISSING["catalogue_identifiers"],
        "catalogue.identifiers"),
    "objection to no use": Invalid(
        "training-objection", {"training_uses": LEFT_OUT}, {"training_uses": []},
        MISSING["training_uses"], "training_uses"),
    "inquiry without questions": Invalid(
        "inquiry", _rows("questions", 0), {"questions": []}, MISSING["questions"],
        "questions"),
    "appeal without grounds": Invalid(
        "appeal", {"appeal_grounds": ""}, {"appeal_grounds": ""}, MISSING["appeal_grounds"],
        "appeal_grounds"),
    "agent without principal": Invalid(
        "output-complaint", {"filed_as": "agent", "authority_statement": "Mandate M-22."},
        {"agent": {"principal_name": "", "authority_statement": "Mandate M-22."}},
        MISSING["principal_name"], "agent.principal_name"),
    "good faith not stated": Invalid(
        "output-complaint", {"good_faith_statement": LEFT_OUT},
        {"good_faith_statement": False}, ERROR_STATEMENT, "good_faith_statement"),
    "accuracy not stated": Invalid(
        "inquiry", {"accuracy_statement": LEFT_OUT}, {"accuracy_statement": False},
        ERROR_STATEMENT, "accuracy_statement"),
    "not signed": Invalid(
        "appeal", {"signature": ""}, {"signature": ""}, MISSING["signature"], "signature"),
    "a location that is not an address": Invalid(
        "output-complaint", {"locations-0-url": "javascript:alert(1)"},
        {"locations": [{"url": "javascript:alert(1)"}]}, ERROR_LOCATION_FORMAT,
        "locations.0.url"),
    "a whole site for a location": Invalid(
        "output-complaint", {"locations-0-url": "https://dreamreel.example/"},
        {"locations": [{"url": "https://dreamreel.example/"}]}, ERROR_NOT_EXACT,
        "locations.0.url"),
    "too many questions": Invalid(
        "inquiry", _rows("questions", 51, **{f"questions-{i}-text": f"Question {i}?"
                                             for i in range(51)}),
        {"questions": [f"Question {i}?" for i in range(51)]}, too_many("questions"),
        "questions"),
    "too many output locations": Invalid(
        "output-complaint", _rows("locations", 10_001, **{"locations-0-url": URL}),
        {"locations": [{"url": f"{URL}{i}"} for i in range(10_001)]}, too_many("locations"),
        "locations"),
    "too many works": Invalid(
        "output-complaint", _rows("works", 1_001, **{"works-0-title": "Hoshizora Quest",
                                                     "works-0-kind": "anime"}),
        {"works": [{"title": f"Work {i}", "kind": "anime"} for i in range(1_001)]},
        too_many("works"), "works"),
}
# Every one in English; a few also in Japanese (the filer's language on both channels).
IN_JAPANESE = ["complaint without a law", "agent without principal", "good faith not stated",
               "inquiry without questions", "too many output locations", "too many works",
               "a whole site for a location"]
PARAMS = [(name, "en") for name in INVALID] + [(name, "ja") for name in IN_JAPANESE]


def _decided_case(filer, operator):
    case = file_case(filer=filer)
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                    actions=["no_action"], facts="Not similar.", ground="Policy 3.1.",
                    automated_means=False)
    return case


def _portal(client, invalid: Invalid, appeal_of) -> list[str]:
    data = {**PORTAL[invalid.kind](), **invalid.portal}
    data = {key: value for key, value in data.items() if value is not LEFT_OUT}
    url = (reverse("complaints:case_appeal", args=[appeal_of.reference]) if appeal_of
           else reverse("complaints:case_new", args=[invalid.kind]))
    response = send(client, url, data)
    assert response.status_code == 400, response.content[:300]
    return [text_of(response.content.decode())]


def _api(client, invalid: Invalid, appeal_of) -> list[str]:
    body = {**API[invalid.kind], **invalid.api}
    body = {key: value for key, value in body.items() if value is not LEFT_OUT}
    url = f"/api/v1/cases/{appeal_of.reference}/appeal/" if appeal_of else "/api/v1/cases/"
    response = send(client, url, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    return response.json()["fields"][invalid.field]


@pytest.mark.parametrize("channel", ["portal", "api"])
@pytest.mark.parametrize(("name", "language"), PARAMS)
def test_each_channel_refuses_an_invalid_filing_with_the_same_words(
        client, creator, operator, channel, name, language):
    invalid = INVALID[name]
    creator.language = language
    creator.save(update_fields=["language"])
    appeal_of = _decided_case(creator, operator) if invalid.kind == "appeal" else None
    filed_before = Case.objects.count()
    client.force_login(creator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    seen = (_portal if channel == "portal" else _api)(client, invalid, appeal_of)

    with translation.override(language):
        expected = str(invalid.message)
    assert any(expected in text for text in seen), (expected, seen)
    assert Case.objects.count() == filed_before


# --- Any future channel: case_submit itself applies the same rules --------------------

@pytest.mark.parametrize(("overrides", "expected"), [
    ({"kind": "training_objection", "locations": [], "remedies": []},
     {"training_uses": [MISSING["training_uses"]]}),
    ({"filed_as": "agent", "principal_name": " \u3000"},
     {"principal_name": [MISSING["principal_name"]],
      "authority_statement": [MISSING["authority_statement"]]}),
    ({"kind": "inquiry", "locations": [], "good_faith_statement": False},
     {"questions": [MISSING["questions"]]}),
    ({"remedies": ["other"], "works": [], "accuracy_statement": False},
     {"remedy_other": [MISSING["remedy_other"]], "works": [MISSING["works"]],
      "accuracy_statement": [ERROR_STATEMENT]}),
    ({"kind": "inquiry", "locations": [], "questions": ["Used?"], "law": "us_dmca"},
     {"law": [ERROR_LAW_NOT_ASKED]}),
    ({"law": ""}, {"law": [MISSING["law"]]}),
    ({"law": "mars"}, {"law": [ERROR_LAW_UNKNOWN]}),
], ids=["objection without uses", "agent without principal or authority",
        "inquiry without questions", "several rules at once", "inquiry under a law",
        "complaint without a law", "complaint under a law not offered"])
def test_the_filing_service_refuses_what_the_faces_refuse(creator, overrides, expected):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        file_case(filer=creator, **overrides)
    assert refused.value.message_dict == {k: [str(m) for m in v] for k, v in expected.items()}
    assert not Case.objects.exists()


# --- And the same valid filing is accepted by both --------------------------------------

@pytest.mark.parametrize("channel", ["portal", "api"])
def test_a_whole_catalogue_needs_no_works_in_either_channel(client, creator, channel):
    """A training objection covering the whole catalogue may name no work: the portal and
    the API both file it (the API used to insist on a work)."""
    client.force_login(creator)
    if channel == "portal":
        response = send(client, reverse("complaints:case_new", args=["training-objection"]),
                        portal_data.training_objection())
        assert response.status_code == 302, response.content[:300]
    else:
        body = {**API["training-objection"], "catalogue": {
            "identifiers": "hoshizora.example\nHoshizora Quest"}}
        del body["works"]
        response = client.post("/api/v1/cases/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]
    case = Case.objects.get()
    assert case.whole_catalogue and case.works.count() == 0
