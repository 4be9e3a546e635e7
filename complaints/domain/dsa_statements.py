"""Statements of reasons in the EU DSA Transparency Database's format (DSA Art. 17 and
24(5)): which decisions make one, and what each says, from a decision's plain data.

The database's rules (fields, allowed values, conditions, lengths, date formats) are those
of its store request (github.com/digital-services-act/transparency-database,
app/Http/Requests/StatementStoreRequest.php and app/Models/Statement.php), written down as
a fixture in tests/fixtures/dsa_transparency_database_rules.json; `statement_errors`
applies such rules to a statement, as the database would.

What becomes a statement, and why:
- A decision that restricts an output: "output removed" (DECISION_VISIBILITY_CONTENT_REMOVED)
  and "prompt or character blocked" (DECISION_VISIBILITY_CONTENT_DISABLED: the output's
  content can no longer be reached by generating it again). One statement per output
  location not retracted, each with its own puid.
- "Works excluded from training" makes none: it restricts nothing a recipient of the
  service provided (the works are the rights holder's own), which is what Art. 17 is about.
- An appeal that reverses, with an action that restricts, makes a new statement (a new
  restriction, a new puid from the appeal's reference); one that confirms makes none (the
  restriction was reported when it was applied; the database keeps no amendments, so a
  second statement would count it twice). A reversal that lifts a restriction, and an
  output restored after a counter-notice, make none: the database records restrictions
  only and has no endpoint to amend or withdraw a statement.
- Not upheld, rejected, answered and training objections restrict nothing: no statement.

Territorial scope: an output removed or blocked is gone everywhere the product is offered,
whatever law the notice was made under, so every statement names every EU/EEA state.
The source is SOURCE_ARTICLE_16 for a notice made under the DSA and
SOURCE_TYPE_OTHER_NOTIFICATION for one made under another law (the desk has no trusted
flaggers yet). The texts are in English, the database's working language, and carry no
personal data (the database is public): no names, no output URLs.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from complaints.domain.decisions import Action, Outcome

# The database's codes this module uses (the fixture lists them all).
VISIBILITY_REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED"
VISIBILITY_DISABLED = "DECISION_VISIBILITY_CONTENT_DISABLED"
GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
CATEGORY_IP = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
KEYWORD_COPYRIGHT = "KEYWORD_COPYRIGHT_INFRINGEMENT"
CONTENT_SYNTHETIC = "CONTENT_TYPE_SYNTHETIC_MEDIA"
SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
SOURCE_OTHER_NOTIFICATION = "SOURCE_TYPE_OTHER_NOTIFICATION"
DECISION_PARTIALLY_AUTOMATED = "AUTOMATED_DECISION_PARTIALLY"
DECISION_NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED"
# The EU's 27 and Iceland, Liechtenstein and Norway: the EEA, as the database lists it.
EEA_COUNTRY_CODES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)
LEGAL_GROUND_MAX, EXPLANATION_MAX, FACTS_MAX, PUID_MAX = 500, 2000, 5000, 500
CONTENT_DATE_EARLIEST = date(2000, 1, 1)  # the database refuses an earlier content_date

VISIBILITY_FOR_ACTION = {
    Action.OUTPUT_REMOVED: VISIBILITY_REMOVED,
    Action.PROMPT_BLOCKED: VISIBILITY_DISABLED,
}
RESTRICTING_ACTIONS = tuple(VISIBILITY_FOR_ACTION)
_STATEMENT_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.REVERSED)
_KINDS = ("output_complaint", "appeal")


@dataclass(frozen=True)
class LocationFacts:
    location_id: int
    seen_on: date | None = None
    retracted: bool = False


@dataclass(frozen=True)
class DecisionFacts:
    """What a statement is made from: the decision, its case (for an appeal, the case
    appealed against gives the locations and the law), in plain values."""

    reference: str
    kind: str
    law: str
    outcome: str
    actions: tuple[str, ...]
    facts: str
    ground: str
    automated_means: bool
    decided_on: date
    filed_on: date
    works: tuple[str, ...] = ()
    locations: tuple[LocationFacts, ...] = field(default_factory=tuple)


def restricting_actions(actions) -> list[str]:
    """The decision's actions that restrict an output, in the order the database lists
    its visibility restrictions."""
    return [a for a in RESTRICTING_ACTIONS if a in actions]


def statement_due(*, kind: str, outcome: str, actions) -> bool:
    """Whether a decision makes statements of reasons (see the module's docstring)."""
    return (kind in _KINDS and outcome in _STATEMENT_OUTCOMES
            and bool(restricting_actions(actions)))


def statement_puid(*, reference: str, location_id: int) -> str:
    """The platform's unique id of a statement: the deciding case's reference and the
    location's id (KT-2026-000123-L45), in the characters the database allows."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{reference}-L{location_id}")[:PUID_MAX]


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _explanation(facts: DecisionFacts) -> str:
    works = "; ".join(f"“{title}”" for title in facts.works if title.strip())
    named = f" ({works})" if works else ""
    return _cut(
        "A notice of copyright infringement was upheld: the AI-generated output reproduces "
        f"or adapts the protected work(s) named in the notice{named} without the "
        "authorisation of the rights holder or of the law.", EXPLANATION_MAX)


def statement_build(facts: DecisionFacts, location: LocationFacts) -> dict:
    """The statement of reasons for one restricted output location, in the database's
    fields and codes."""
    source = SOURCE_ARTICLE_16 if facts.law == "eu_dsa" else SOURCE_OTHER_NOTIFICATION
    content_on = location.seen_on or facts.filed_on
    if content_on < CONTENT_DATE_EARLIEST:  # a typo: no AI output is that old
        content_on = facts.filed_on
    return {
        "decision_visibility": [VISIBILITY_FOR_ACTION[a]
                                for a in restricting_actions(facts.actions)],
        "decision_ground": GROUND_ILLEGAL,
        "illegal_content_legal_ground": _cut(facts.ground, LEGAL_GROUND_MAX),
        "illegal_content_explanation": _explanation(facts),
        "category": CATEGORY_IP,
        "category_specification": [KEYWORD_COPYRIGHT],
        "content_type": [CONTENT_SYNTHETIC],
        "territorial_scope": list(EEA_COUNTRY_CODES),
        "content_date": min(content_on, facts.decided_on).isoformat(),
        "application_date": facts.decided_on.isoformat(),
        "decision_facts": _cut(facts.facts, FACTS_MAX),
        "source_type": source,
        # Found by a notice, not by automated means; a person always decides at the desk.
        "automated_detection": "No",
        "automated_decision": (DECISION_PARTIALLY_AUTOMATED if facts.automated_means
                               else DECISION_NOT_AUTOMATED),
        "puid": statement_puid(reference=facts.reference, location_id=location.location_id),
    }


def statements_for(facts: DecisionFacts) -> list[dict]:
    """Every statement a decision makes: one per restricted location, none when the
    decision restricts nothing."""
    if not statement_due(kind=facts.kind, outcome=facts.outcome, actions=facts.actions):
        return []
    return [statement_build(facts, location) for location in facts.locations
            if not location.retracted]


# --- The database's rules, applied ---------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _absent(value) -> bool:
    return value is None or value == "" or value == []


def _contains(statement: dict, condition: dict) -> bool:
    value = statement.get(condition["field"])
    return condition["value"] in (value if isinstance(value, list) else [value])


def _excluded(statement: dict, rule: dict) -> bool:
    """A field the database drops (`exclude_unless`): not checked."""
    if "exclude_unless" in rule:
        condition = rule["exclude_unless"]
        return statement.get(condition["field"]) != condition["value"]
    if "exclude_unless_contains" in rule:
        return not _contains(statement, rule["exclude_unless_contains"])
    return False


def _required(statement: dict, rule: dict) -> bool:
    if rule.get("required"):
        return True
    if "required_if" in rule:
        condition = rule["required_if"]
        return statement.get(condition["field"]) == condition["value"]
    if "required_if_contains" in rule:
        return _contains(statement, rule["required_if_contains"])
    if "required_without_all" in rule:
        return all(_absent(statement.get(other)) for other in rule["required_without_all"])
    return False


def _date_error(value, rule: dict) -> str:
    try:
        if not isinstance(value, str) or not _DATE.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        return f"does not match the format {rule.get('date_format', 'YYYY-MM-DD')}"
    if "after_or_equal" in rule and day < date.fromisoformat(rule["after_or_equal"]):
        return f"must be on or after {rule['after_or_equal']}"
    if "before_or_equal" in rule and day > date.fromisoformat(rule["before_or_equal"]):
        return f"must be on or before {rule['before_or_equal']}"
    return ""


def _value_error(value, rule: dict, values: dict) -> str:
    kind = rule.get("type", "string")
    if kind == "array":
        if not isinstance(value, list):
            return "must be an array"
        items = value
    elif kind == "date":
        return _date_error(value, rule)
    else:
        if not isinstance(value, str):
            return "must be a string"
        if "max" in rule and len(value) > rule["max"]:
            return f"may not be greater than {rule['max']} characters"
        if kind == "url" and not _URL.match(value):
            return "must be a valid URL"
        if "regex" in rule and not re.fullmatch(rule["regex"], value):
            return "format is invalid"
        items = [value]
    allowed = rule.get("in")
    if allowed is not None:
        allowed = values[allowed] if isinstance(allowed, str) else allowed
        wrong = [item for item in items if item not in allowed]
        if wrong:
            return f"is invalid: {wrong[0]!r} is not allowed"
    return ""


def statement_errors(statement: dict, rules: dict) -> dict[str, str]:
    """What the database would refuse in `statement`, field → message ({} when it would
    take it): required fields and those required if another has a value or when none of
    their alternatives has one, allowed values, lengths, formats and date limits. Fields
    the rules do not know are reported too (the database ignores them: a typo)."""
    fields, values = rules["fields"], rules.get("values", {})
    errors = {name: "is not a field of a statement" for name in statement
              if name not in fields}
    for name, rule in fields.items():
        if _excluded(statement, rule):
            continue
        value = statement.get(name)
        if _absent(value):
            if _required(statement, rule):
                errors[name] = "is required"
            continue
        message = _value_error(value, rule, values)
        if message:
            errors[name] = message
    return errors
