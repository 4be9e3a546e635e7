"""Statements of reasons in the DSA Transparency Database's format, from a decision's plain
data, checked against the database's own rules (the fixture), and the checker itself: a
bad statement of each kind is caught, as the database would refuse it."""
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from complaints.domain.dsa_statements import (
    EEA_COUNTRY_CODES,
    DecisionFacts,
    LocationFacts,
    statement_errors,
    statements_for,
)

RULES = json.loads((Path(__file__).parents[2] / "fixtures"
                    / "dsa_transparency_database_rules.json").read_text())

FACTS = DecisionFacts(
    reference="KT-2026-000123", kind="output_complaint", law="eu_dsa", outcome="upheld",
    actions=("output_removed",), facts="The output shows the character's design frame by "
    "frame.", ground="Copyright: Directive 2001/29/EC, Art. 2 and 3; German UrhG § 15.",
    automated_means=False, decided_on=date(2026, 11, 30), filed_on=date(2026, 11, 20),
    works=("Hoshizora Quest",),
    locations=(LocationFacts(location_id=45, seen_on=date(2026, 11, 18)),
               LocationFacts(location_id=46)))


def test_the_fixture_names_the_source_it_was_written_from():
    source = RULES["source"]
    assert source["repository"].endswith("digital-services-act/transparency-database")
    assert len(source["commit"]) == 40
    assert "app/Http/Requests/StatementStoreRequest.php" in source["files"]
    assert source["read_on"]


def test_an_upheld_notice_makes_one_valid_statement_per_location():
    statements = statements_for(FACTS)
    assert [s["puid"] for s in statements] == ["KT-2026-000123-L45", "KT-2026-000123-L46"]
    for statement in statements:
        assert statement_errors(statement, RULES) == {}
    first = statements[0]
    assert first["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert first["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert first["category"] == "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
    assert first["category_specification"] == ["KEYWORD_COPYRIGHT_INFRINGEMENT"]
    assert first["source_type"] == "SOURCE_ARTICLE_16"
    assert first["territorial_scope"] == RULES["values"]["EUROPEAN_ECONOMIC_AREA_COUNTRY_CODES"]
    assert first["content_date"] == "2026-11-18"
    assert statements[1]["content_date"] == "2026-11-20"  # not seen: the day it was filed
    assert first["application_date"] == "2026-11-30"
    assert first["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert "Hoshizora Quest" in first["illegal_content_explanation"]


@pytest.mark.parametrize(("changes", "field", "value"), [
    ({"actions": ("prompt_blocked",)}, "decision_visibility",
     ["DECISION_VISIBILITY_CONTENT_DISABLED"]),
    ({"actions": ("output_removed", "prompt_blocked", "excluded_from_training")},
     "decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED",
                             "DECISION_VISIBILITY_CONTENT_DISABLED"]),
    ({"outcome": "partly_upheld"}, "decision_visibility",
     ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
    ({"law": "us_dmca"}, "source_type", "SOURCE_TYPE_OTHER_NOTIFICATION"),
    ({"law": "japan"}, "territorial_scope", list(EEA_COUNTRY_CODES)),
    ({"automated_means": True}, "automated_decision", "AUTOMATED_DECISION_PARTIALLY"),
    ({"kind": "appeal", "outcome": "reversed", "reference": "KT-2026-000200"}, "puid",
     "KT-2026-000200-L45"),
])
def test_each_restricting_decision_maps_to_the_databases_codes(changes, field, value):
    statement = statements_for(replace(FACTS, **changes))[0]
    assert statement[field] == value
    assert statement_errors(statement, RULES) == {}


@pytest.mark.parametrize("changes", [
    {"outcome": "not_upheld", "actions": ("no_action",)},
    {"outcome": "rejected", "actions": ("no_action",)},
    {"actions": ("excluded_from_training",)},
    {"kind": "training_objection", "actions": ("excluded_from_training", "prompt_blocked")},
    {"kind": "inquiry", "outcome": "answered", "actions": ("no_action",)},
    {"kind": "appeal", "outcome": "confirmed"},
    {"kind": "appeal", "outcome": "reversed", "actions": ("no_action",)},
    {"locations": (LocationFacts(location_id=45, retracted=True),)},
])
def test_a_decision_that_restricts_no_output_makes_no_statement(changes):
    assert statements_for(replace(FACTS, **changes)) == []


def test_long_texts_are_cut_to_the_databases_lengths():
    statement = statements_for(replace(FACTS, facts="x " * 4000, ground="y" * 900,
                                       works=("w" * 300,) * 10))[0]
    assert statement_errors(statement, RULES) == {}
    assert len(statement["illegal_content_legal_ground"]) == 500


def test_a_reference_with_other_characters_still_makes_a_puid_the_database_takes():
    statement = statements_for(replace(FACTS, reference="KT 2026/000123"))[0]
    assert statement["puid"] == "KT-2026-000123-L45"
    assert statement_errors(statement, RULES) == {}


GOOD = statements_for(FACTS)[0]


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"decision_ground": None}, "decision_ground", "required"),
    ({"category": "STATEMENT_CATEGORY_COPYRIGHT"}, "category", "not allowed"),
    ({"decision_visibility": ["DECISION_VISIBILITY_GONE"]}, "decision_visibility",
     "not allowed"),
    ({"decision_visibility": "DECISION_VISIBILITY_CONTENT_REMOVED"}, "decision_visibility",
     "array"),
    ({"decision_visibility": []}, "decision_visibility", "required"),
    ({"illegal_content_legal_ground": ""}, "illegal_content_legal_ground", "required"),
    ({"decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT"},
     "incompatible_content_ground", "required"),
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other",
     "required"),
    ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other", "required"),
    ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other", "required"),
    ({"decision_facts": "x" * 5001}, "decision_facts", "5000 characters"),
    ({"content_date": "30/11/2026"}, "content_date", "YYYY-MM-DD"),
    ({"application_date": "2026-11-31"}, "application_date", "YYYY-MM-DD"),
    ({"application_date": "2019-12-31"}, "application_date", "on or after 2020-01-01"),
    ({"end_date_visibility_restriction": "2040-01-01"}, "end_date_visibility_restriction",
     "on or before 2038-01-01"),
    ({"territorial_scope": ["JP"]}, "territorial_scope", "not allowed"),
    ({"puid": "KT-2026-000123 L45"}, "puid", "format is invalid"),
    ({"puid": "x" * 501}, "puid", "500 characters"),
    ({"automated_detection": "yes"}, "automated_detection", "not allowed"),
    ({"decision_ground_reference_url": "not a url"}, "decision_ground_reference_url", "URL"),
    ({"categry": "STATEMENT_CATEGORY_VIOLENCE"}, "categry", "not a field"),
])
def test_the_checker_catches_each_kind_of_rule(changes, field, words):
    errors = statement_errors({**GOOD, **changes}, RULES)
    assert field in errors, errors
    assert words in errors[field]


def test_another_restriction_stands_for_the_visibility_one():
    statement = {**GOOD, "decision_visibility": None,
                 "decision_account": "DECISION_ACCOUNT_SUSPENDED"}
    assert statement_errors(statement, RULES) == {}


def test_a_field_the_database_drops_is_not_checked():
    statement = {**GOOD, "incompatible_content_illegal": "Perhaps"}
    assert statement_errors(statement, RULES) == {}


def test_a_seen_date_typed_before_2000_still_makes_a_statement_the_database_takes():
    # A filer's typo (the portal and the API take any date): the database refuses a
    # content_date before 2000-01-01, and no AI output is that old.
    facts = replace(FACTS, locations=(LocationFacts(location_id=45, seen_on=date(202, 11, 18)),
                                      LocationFacts(location_id=46,
                                                    seen_on=date(1999, 12, 31))))
    statements = statements_for(facts)
    for statement in statements:
        assert statement_errors(statement, RULES) == {}
        assert statement["content_date"] == "2026-11-20"  # the day it was filed
