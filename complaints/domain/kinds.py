"""The kinds of case: how people name them, what a filing of each must hold, what a
decision on each may conclude and do, and what its notice says about redress.

A kind's label ("Inquiry") heads a page or a column; running text names it in the middle
of a sentence ("We have received your inquiry", 「お問い合わせを受け付けました」), which in
English wants lower case and in Japanese the glossary's term.
"""
import dataclasses
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from complaints.domain.decisions import Action, Outcome, RejectionReason
from complaints.domain.languages import notice_language_errors
from complaints.domain.laws import Law
from complaints.domain.text import SPACE, number

IN_A_SENTENCE = {
    "output_complaint": pgettext_lazy("kind in a sentence", "output complaint"),
    "training_objection": pgettext_lazy("kind in a sentence", "training objection"),
    "inquiry": pgettext_lazy("kind in a sentence", "inquiry"),
    "appeal": pgettext_lazy("kind in a sentence", "appeal"),
    "counter_notice": pgettext_lazy("kind in a sentence", "counter-notice"),
}


ANY_KIND = pgettext_lazy("kind in a sentence", "case")


def kind_in_a_sentence(kind: str) -> str:
    """A kind added without its sentence form still reads ("your case"), never as code."""
    return str(IN_A_SENTENCE.get(kind, ANY_KIND))


# --- What a decision on each kind may conclude and do ------------------------------

@dataclass(frozen=True)
class DecisionRules:
    outcomes: tuple[str, ...]
    actions: tuple[str, ...]


_ACTING = (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
DECISIONS = {
    "output_complaint": DecisionRules(
        outcomes=(Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.REJECTED),
        actions=(Action.OUTPUT_REMOVED, Action.PROMPT_BLOCKED, Action.EXCLUDED_FROM_TRAINING,
                 Action.NO_ACTION)),
    "training_objection": DecisionRules(
        outcomes=(Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.REJECTED),
        actions=(Action.EXCLUDED_FROM_TRAINING, Action.PROMPT_BLOCKED, Action.NO_ACTION)),
    "inquiry": DecisionRules(outcomes=(Outcome.ANSWERED,), actions=(Action.NO_ACTION,)),
    # A counter-notice ends by the restore clock or a court action
    # (complaints.services.counter_notices); the desk may only reject one, with its reason.
    "counter_notice": DecisionRules(outcomes=(Outcome.REJECTED,), actions=(Action.NO_ACTION,)),
    "appeal": DecisionRules(
        outcomes=(Outcome.REVERSED, Outcome.CONFIRMED),
        actions=(Action.OUTPUT_REMOVED, Action.PROMPT_BLOCKED, Action.EXCLUDED_FROM_TRAINING,
                 Action.NO_ACTION)),
}

ERROR_OUTCOME = _("A decision on this kind of case cannot conclude “%(outcome)s”.")
ERROR_ACTION = _("A decision on this kind of case cannot record “%(action)s”.")
ERROR_NO_ACTION_ALONE = _("“No action” cannot be combined with other actions.")
ERROR_UPHELD_NEEDS_ACTION = _("A complaint upheld needs the action taken, not “No action”.")
ERROR_NOT_UPHELD_NO_ACTION = _("A complaint not upheld takes no action: choose “No action” "
                               "only.")
ERROR_REJECTED_NO_ACTION = _("A rejected notice takes no action: choose “No action” only.")
ERROR_REJECTION_REASON = _("Say why the notice is rejected.")
ERROR_REASON_NOT_REJECTED = _("A reason for rejection goes only with the outcome "
                              "“Rejected”.")
ERROR_UNANSWERED = ngettext_lazy(
    "Answer every question first: %(n)s question has no answer yet.",
    "Answer every question first: %(n)s questions have no answer yet.", "n")


def decision_check(*, kind: str, outcome: str, actions: list[str],
                   unanswered: int = 0, rejection_reason: str = "") -> None:
    """Refuse a decision that does not fit its case, with the reason, whatever face asks:
    an outcome or action the kind does not have, "no action" beside an action, an
    upheld complaint that does nothing, a refusal or rejection that acts, a rejection
    without its reason, an inquiry answered while a question has no answer."""
    rules = DECISIONS.get(kind)
    errors = {}
    if rules is not None and outcome not in rules.outcomes:
        errors["outcome"] = ERROR_OUTCOME % {"outcome": Outcome(outcome).label
                                             if outcome in Outcome.values else outcome}
    wrong = [a for a in actions if rules is not None and a not in rules.actions]
    if wrong:
        errors["actions"] = ERROR_ACTION % {"action": Action(wrong[0]).label
                                            if wrong[0] in Action.values else wrong[0]}
    elif Action.NO_ACTION in actions and len(actions) > 1:
        errors["actions"] = ERROR_NO_ACTION_ALONE
    elif outcome in _ACTING and actions == [Action.NO_ACTION]:
        errors["actions"] = ERROR_UPHELD_NEEDS_ACTION
    elif outcome == Outcome.NOT_UPHELD and actions != [Action.NO_ACTION]:
        errors["actions"] = ERROR_NOT_UPHELD_NO_ACTION
    elif outcome == Outcome.REJECTED and actions != [Action.NO_ACTION]:
        errors["actions"] = ERROR_REJECTED_NO_ACTION
    if outcome == Outcome.REJECTED and rejection_reason not in RejectionReason.values:
        errors["rejection_reason"] = ERROR_REJECTION_REASON
    elif outcome != Outcome.REJECTED and rejection_reason:
        errors["rejection_reason"] = ERROR_REASON_NOT_REJECTED
    if outcome == Outcome.ANSWERED and unanswered:
        errors["outcome"] = ERROR_UNANSWERED % {"n": unanswered}
    if errors:
        raise ValidationError(errors)


# --- Who may decide an appeal ------------------------------------------------------

ERROR_SAME_DECIDER = _("You took the decision under appeal, so a colleague decides the "
                       "appeal. A supervisor may decide it, giving the reason.")
ERROR_OVERRIDE_REASON = _("You took the decision under appeal: give the reason you decide "
                          "the appeal yourself.")


def appeal_decider_check(*, decided_the_first: bool, is_supervisor: bool,
                         override_reason: str) -> bool:
    """An appeal is decided by someone who did not take the decision under appeal; a
    supervisor may override that, with a reason (which goes into the audit trail).
    Returns whether this decision is such an override."""
    if not decided_the_first:
        return False
    if not is_supervisor:
        raise ValidationError({"override_reason": ERROR_SAME_DECIDER})
    if not override_reason.strip():
        raise ValidationError({"override_reason": ERROR_OVERRIDE_REASON})
    return True


# --- What a filing of each kind must hold -------------------------------------------
# One list for every channel: the portal's forms and the API's fields say these messages
# when they find a part missing, and case_submit refuses a draft that breaks a rule.

# One notice stays one case however large: a rights holder's catalogue and the outputs that
# copy it (issue 19: real notices named up to 3,710 locations).
MAX_LOCATIONS = 10_000
MAX_WORKS = 1_000
MAX_QUESTIONS = 50
AGENT = "agent"  # complaints.models.FiledAs.AGENT
OTHER_REMEDY = "other"  # complaints.models.Remedy.OTHER


@dataclass(frozen=True)
class FilingRules:
    """`required`: parts that must be given (text not blank, a list not empty).
    `works`: "required", "optional", or "unless_catalogue" (a training objection names
    works or covers the whole catalogue). `statements`: the statements it must make."""

    required: tuple[str, ...]
    works: str = "optional"
    statements: tuple[str, ...] = ("good_faith_statement", "accuracy_statement")
    # "required", "optional" or "none" (not asked: a filing of this kind has none).
    law: str = "none"
    # The lists of rows (ROW_PARTS) a notice of this kind takes: another sent is refused
    # (parts_refused, ERROR_PART), never dropped, whichever face it came through.
    rows: tuple[str, ...] = ("works",)


FILINGS = {
    "output_complaint": FilingRules(
        required=("title", "ai_product", "similarity", "remedies", "locations"),
        works="required", law="required", rows=("locations", "works")),
    "training_objection": FilingRules(required=("title", "training_uses"),
                                      works="unless_catalogue", law="optional"),
    # A question asserts no infringement: no good-faith statement.
    "inquiry": FilingRules(required=("title", "questions"),
                           statements=("accuracy_statement",)),
    "appeal": FilingRules(required=("appeal_of_id", "appeal_grounds"), rows=()),
    # The owner's answer to a removal (DMCA 512(g)(3)): the removed outputs it answers,
    # who sends it and where they can be reached and served, the statement under penalty
    # of perjury and the consent to jurisdiction (complaints.services.counter_notices).
    "counter_notice": FilingRules(
        required=("locations", "full_name", "postal_address", "phone", "email"),
        statements=("mistake_statement", "jurisdiction_consent"), rows=("locations",)),
}

ERROR_STATEMENT = _("This statement is required.")
ERROR_PART = _("A notice of this kind has no %(part)s.")
ROW_PARTS = {"locations": _("output locations"), "works": _("works")}
ERROR_LAW_NOT_ASKED = _("A filing of this kind is not made under a law: leave the law out.")
ERROR_LAW_UNKNOWN = _("Choose one of the laws offered.")
MISSING = {
    "title": _("Give the case a short title."),
    "law": _("Choose the law your notice is made under."),
    "ai_product": _("Name the AI product that made the output."),
    "similarity": _("Say what is similar, in your own words."),
    "remedies": _("Choose at least one thing you ask for."),
    "remedy_other": _("Describe the other request."),
    "locations": _("Give at least one exact output location."),
    "works": _("Name at least one of your works."),
    "questions": _("Ask at least one question."),
    "training_uses": _("Choose at least one use."),
    "catalogue_identifiers": _("Say how we can recognise the catalogue: sites, domains or "
                               "a title list."),
    "appeal_of_id": _("Say which decision you appeal against."),
    "appeal_grounds": _("Say why the decision should change."),
    "principal_name": _("Name the rights holder you act for."),
    "authority_statement": _("Say how you are authorised to act for them."),
    "good_faith_statement": ERROR_STATEMENT,
    "accuracy_statement": ERROR_STATEMENT,
    "signature": _("Sign with your full name."),
    "full_name": _("Give your full name."),
    "postal_address": _("Give your postal address."),
    "phone": _("Give a telephone number."),
    "email": _("Give an e-mail address."),
    "filer_postal_address": _("Give your postal address: a notice under US law must "
                              "include it."),
    "filer_phone": _("Give your telephone number: a notice under US law must include it."),
    "principal_postal_address": _("Give the postal address of the rights holder you act "
                                  "for: a notice under US law must include it."),
    "principal_phone": _("Give the telephone number of the rights holder you act for: a "
                         "notice under US law must include it."),
    "mistake_statement": ERROR_STATEMENT,
    "jurisdiction_consent": ERROR_STATEMENT,
}
# A counter-notice names removed outputs, not locations typed in: its own words for none.
MISSING_FOR_KIND = {("counter_notice", "locations"): _("Choose at least one removed output.")}
LIMITS = {"works": MAX_WORKS, "locations": MAX_LOCATIONS, "questions": MAX_QUESTIONS}
_TOO_MANY = {
    "works": _("One case names at most %(num)s works, and %(sent)s were sent: leave out "
               "%(over)s (a representative list is enough)."),
    "locations": _("One case holds at most %(num)s output locations, and %(sent)s were "
                   "sent: leave out %(over)s."),
    "questions": _("One inquiry asks at most %(num)s questions, and %(sent)s were sent: "
                   "leave out %(over)s."),
}
LIMIT_HELP = _("One case holds up to %(locations)s output locations and %(works)s works.")


def _number(value: int) -> str:
    return number(value)


def _too_many(name: str, sent: int | None = None) -> str:
    """The first thing said of a list over its limit: the limit, how many were sent and
    how many to leave out (`sent` unknown: the limit alone)."""
    limit = LIMITS[name]
    sent = limit + 1 if sent is None or sent <= limit else sent
    return str(_TOO_MANY[name]) % {"num": _number(limit), "sent": _number(sent),
                                   "over": _number(sent - limit)}


def limit_help() -> str:
    return str(LIMIT_HELP) % {"locations": _number(MAX_LOCATIONS), "works": _number(MAX_WORKS)}


too_many = lazy(_too_many, str)  # a face's message, said in the reader's language


def _blank(value) -> bool:
    if isinstance(value, str):
        return not re.sub(f"[{SPACE}]", "", value)
    return not value and value != 0


def filing_errors(draft) -> dict[str, list[str]]:
    """Every rule a filing of its kind breaks, by the draft's field name (a CaseDraft, or
    anything with its attributes): an empty dict if none."""
    rules = FILINGS.get(draft.kind)
    if rules is None:
        return {}
    missing = [name for name in rules.required if _blank(getattr(draft, name))]
    if draft.filed_as == AGENT:
        missing += [name for name in ("principal_name", "authority_statement")
                    if _blank(getattr(draft, name))]
    if rules.works == "required" or (rules.works == "unless_catalogue"
                                     and not draft.whole_catalogue):
        missing += ["works"] if not draft.works else []
    if draft.whole_catalogue and _blank(draft.catalogue_identifiers):
        missing.append("catalogue_identifiers")
    if OTHER_REMEDY in draft.remedies and _blank(draft.remedy_other):
        missing.append("remedy_other")
    missing += [name for name in rules.statements if getattr(draft, name) is not True]
    missing += ["signature"] if _blank(draft.signature) else []
    errors = {name: [str(MISSING_FOR_KIND.get((draft.kind, name), MISSING[name]))]
              for name in missing}
    errors.update(_law_errors(rules, getattr(draft, "law", "")))
    errors.update(_contact_errors(draft))
    errors.update(notice_language_errors(getattr(draft, "notice_language", "")))
    errors.update(_location_works_errors(draft))
    for name, limit in LIMITS.items():
        if len(getattr(draft, name)) > limit:
            errors[name] = [_too_many(name, len(getattr(draft, name)))]
    return errors


def parts_refused(kind: str, given) -> dict[str, list[str]]:
    """The lists of rows `given` (names of ROW_PARTS) that a filing of `kind` does not
    hold, each refused in the same words: one rule for a case sent whole, a draft opened
    with a first page and a page added to a draft."""
    rules = FILINGS.get(kind)
    if rules is None:
        return {}
    return {part: [str(ERROR_PART % {"part": ROW_PARTS[part]})] for part in given
            if part in ROW_PARTS and part not in rules.rows}


def _law_errors(rules: FilingRules, law: str) -> dict[str, list[str]]:
    """The law a notice is made under: chosen where the kind requires it, one of the laws
    offered, and absent where the kind does not ask for it."""
    if _blank(law):
        return {"law": [str(MISSING["law"])]} if rules.law == "required" else {}
    if rules.law == "none":
        return {"law": [str(ERROR_LAW_NOT_ASKED)]}
    if law not in Law.values:
        return {"law": [str(ERROR_LAW_UNKNOWN)]}
    return {}


# DMCA 512(c)(3)(A)(iv): "information reasonably sufficient to permit the service provider
# to contact the complaining party, such as an address, telephone number". Optional under
# every other law; the principal's too when an agent files.
CONTACT_REQUIRED_LAWS = (Law.US_DMCA,)
FILER_CONTACT = ("filer_postal_address", "filer_phone")
PRINCIPAL_CONTACT = ("principal_postal_address", "principal_phone")
CONTACT_MAX = {"filer_postal_address": 500, "filer_phone": 40,
               "principal_postal_address": 500, "principal_phone": 40}


def contact_required(law: str) -> bool:
    """Whether a notice made under this law must give postal address and phone."""
    return law in CONTACT_REQUIRED_LAWS


def _contact_errors(draft) -> dict[str, list[str]]:
    if not contact_required(getattr(draft, "law", "")):
        return {}
    names = FILER_CONTACT + (PRINCIPAL_CONTACT if draft.filed_as == AGENT else ())
    return {name: [str(MISSING[name])] for name in names
            if _blank(getattr(draft, name, ""))}


# Only an agent acts for a principal: a filing made by the rights holder themselves keeps
# no principal details, whatever a face was sent (an agent's fields typed, then left
# behind for "the rights holder"; a crafted POST). case_submit and the copy apply it.
PRINCIPAL_DETAILS = ("principal_name", "authority_statement", *PRINCIPAL_CONTACT)


def principal_details_dropped(draft):
    """The draft (a CaseDraft, or any dataclass with its fields) as it may be kept: without
    principal details unless it is filed by an agent."""
    if draft.filed_as == AGENT or not any(getattr(draft, n) for n in PRINCIPAL_DETAILS):
        return draft
    return dataclasses.replace(draft, **dict.fromkeys(PRINCIPAL_DETAILS, ""))


ERROR_NO_SUCH_WORK = _("There is no work %(number)s in this notice: number the works as they "
                       "are listed, from 1.")


def _location_works_errors(draft) -> dict[str, list[str]]:
    """A location may name the works of the same notice it copies, by their numbers (1, 2,
    …, as the works are listed)."""
    count = len(draft.works)
    errors = {}
    for i, location in enumerate(draft.locations):
        wrong = [n for n in getattr(location, "works", ()) if not 1 <= n <= count]
        if wrong:
            errors[f"locations.{i}.works"] = [str(ERROR_NO_SUCH_WORK % {"number": wrong[0]})]
    return errors


def filing_check(draft) -> None:
    """Refuse a filing that breaks a rule of its kind, every broken rule at once, each by
    its field, whatever face sent it."""
    errors = filing_errors(draft)
    if errors:
        raise ValidationError(errors)


# --- What a decision's notice says about redress ------------------------------------
# The page and the e-mail word it a little differently; both come from here, so the two
# say the same thing of the same case.

@dataclass(frozen=True)
class Redress:
    page: str
    email: str


REDRESS = {
    "appeal": Redress(
        page=_("A decision on an appeal is final here. You may still use an out-of-court "
               "dispute settlement body or go to court."),
        email=_("This decision on your appeal is final within our procedure. You may still "
                "turn to an out-of-court dispute settlement body or go to court.")),
    "inquiry": Redress(
        page=_("If you disagree with our answers, you may appeal until %(until)s."),
        email=_("If you disagree with our answers, you may appeal on your case page until "
                "%(until)s.")),
}
ANY_REDRESS = Redress(
    page=_("You may appeal this decision until %(until)s."),
    email=_("If you disagree, you may appeal on your case page until %(until)s."))


def redress(kind: str, until: str, *, on: str = "page") -> str:
    """How to seek redress against a decision on a case of this kind (DSA Art. 17(3)(f)),
    for the case page (`on="page"`) or the decision e-mail (`on="email"`); `until` is the
    appeal deadline as the reader's language writes it."""
    text = getattr(REDRESS.get(kind, ANY_REDRESS), on)
    return str(text) % {"until": until} if "%(until)s" in str(text) else str(text)
