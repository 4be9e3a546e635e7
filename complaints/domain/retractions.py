"""Retraction: the filer takes back a notice (an output complaint or a training
objection), wholly or for some of its output locations, at any time.

Before a decision, retracting the whole notice is a withdrawal; some locations only leave
the case open for the rest. After a decision the case stays decided: the retraction is
recorded against the decision, and each action the decision took for the retracted part
is to be undone by the desk. The same rule and the same words for every face.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.domain import text
from complaints.domain.decisions import Action
from complaints.domain.status import Status

# The kinds of case that are notices (an inquiry asks, an appeal disputes a decision).
NOTICE_KINDS = frozenset({"output_complaint", "training_objection"})
# What a decision did to the output locations themselves: undone when some locations
# only are retracted. A blocked prompt or character, like the works excluded from
# training, still protects the locations the notice keeps: it stays.
LOCATION_ACTIONS = (Action.OUTPUT_REMOVED,)

STATEMENT_MAX = 2000

ERROR_NOT_A_NOTICE = _("Only an output complaint or a training objection can be "
                       "retracted.")
ERROR_ENDED = _("This case ended without a decision; there is nothing left to retract.")
ERROR_ALREADY_WHOLE = _("This notice has already been retracted.")
ERROR_NOTHING_CHOSEN = _("Choose the whole notice or at least one output location.")
ERROR_UNKNOWN_LOCATION = _("“%(url)s” is not an output location of this case.")
ERROR_ALREADY_RETRACTED = _("“%(url)s” has already been retracted.")
ERROR_APPEAL_OPEN = _("Your appeal %(reference)s against the decision is still open. "
                      "Retract the whole notice (the appeal is then withdrawn too), or "
                      "retract some locations once the appeal is decided.")
ERROR_STATEMENT = _("Say in a few words why you are retracting.")
ERROR_STATEMENT_LONG = _("Keep the statement to %(max)s characters or fewer.")


@dataclass(frozen=True)
class RetractionPlan:
    """What a retraction will do, before it is done (the confirmation page shows it)."""

    whole: bool
    urls: tuple[str, ...]
    after_decision: bool
    to_undo: tuple[str, ...]

    @property
    def is_withdrawal(self) -> bool:
        """A whole notice retracted before its decision is the case withdrawn."""
        return self.whole and not self.after_decision

    @property
    def undo_labels(self) -> list[str]:
        return [str(Action(a).label) for a in self.to_undo]


def actions_to_undo(*, actions: Iterable[str], whole: bool) -> tuple[str, ...]:
    """The actions of the decision in force that the retraction takes back."""
    undoable = [a for a in actions if a in Action and a != Action.NO_ACTION]
    if not whole:
        undoable = [a for a in undoable if a in LOCATION_ACTIONS]
    return tuple(dict.fromkeys(undoable))


def retraction_plan(*, kind: str, status: str, decided: bool, actions: Iterable[str],
                    locations: Iterable[str], retracted: Iterable[str],
                    wholly_retracted: bool, whole: bool, chosen: Iterable[str],
                    statement: str, open_appeal: str = "") -> RetractionPlan:
    """Check a retraction and say what it does, or raise every refusal at once.

    `locations`: the case's output locations as stored; `retracted`: those retracted
    already; `chosen`: those the filer names now (ignored when `whole`). Errors about
    the choice and the statement are keyed `locations` and `statement`, as in the
    portal's form and the API's fields; the case's state is refused as a whole.
    `open_appeal`: the reference of the filer's appeal still open against the decision:
    retracting the whole notice withdraws it too; some locations only wait for it."""
    if kind not in NOTICE_KINDS:
        raise ValidationError(ERROR_NOT_A_NOTICE, code="not_a_notice")
    if wholly_retracted:
        raise ValidationError(ERROR_ALREADY_WHOLE, code="already_retracted")
    if not decided and not Status(status).is_open:
        raise ValidationError(ERROR_ENDED, code="ended")
    locations, retracted = list(dict.fromkeys(locations)), set(retracted)
    errors: dict[str, list[ValidationError]] = {}
    chosen = [] if whole else list(dict.fromkeys(u.strip() for u in chosen if u.strip()))
    if not whole and not chosen:
        errors["locations"] = [ValidationError(ERROR_NOTHING_CHOSEN, code="nothing_chosen")]
    for url in chosen:
        if url not in locations:
            errors.setdefault("locations", []).append(ValidationError(
                ERROR_UNKNOWN_LOCATION % {"url": url}, code="unknown_location"))
        elif url in retracted:
            errors.setdefault("locations", []).append(ValidationError(
                ERROR_ALREADY_RETRACTED % {"url": url}, code="already_retracted"))
    statement = statement.strip()
    if not statement:
        errors["statement"] = [ValidationError(ERROR_STATEMENT, code="statement")]
    elif len(statement) > STATEMENT_MAX:
        errors["statement"] = [ValidationError(ERROR_STATEMENT_LONG % {"max": STATEMENT_MAX},
                                               code="statement_long")]
    if errors:
        raise ValidationError(errors)
    remaining = [url for url in locations if url not in retracted]
    # Every location still in the notice, one by one, is the whole notice.
    whole = whole or set(remaining) <= set(chosen)
    urls = tuple(remaining if whole else chosen)
    if open_appeal and not whole:
        raise ValidationError(ERROR_APPEAL_OPEN % {"reference": open_appeal},
                              code="appeal_open")
    return RetractionPlan(whole=whole, urls=urls, after_decision=decided,
                          to_undo=actions_to_undo(actions=actions, whole=whole)
                          if decided else ())


# --- The audit trail's sentences (complaints.domain.events) -----------------------------

def _strings(value) -> list[str]:
    return [v.strip() for v in value if isinstance(v, str) and v.strip()] \
        if isinstance(value, list) else []


def retraction_sentence(old: dict, new: dict, when) -> str:
    """A NOTICE_RETRACTED event in words: what was retracted, what is to undo, why."""
    urls = _strings(new.get("locations"))
    actions = [str(Action(a).label) for a in _strings(new.get("undo"))
               if a in Action and a != Action.NO_ACTION]
    if new.get("whole") is True:
        sentence = gettext("The filer retracted the whole notice.")
    elif urls:
        sentence = ngettext(
            "The filer retracted the notice for the output location %(locations)s.",
            "The filer retracted the notice for the output locations %(locations)s.",
            len(urls)) % {"locations": text.listing(urls)}
    else:
        return ""
    if actions:
        sentence = text.sentences(sentence, gettext(
            "It is recorded against the decision; to undo: %(actions)s.") % {
            "actions": text.listing(actions)})
    elif new.get("after_decision") is True:
        sentence = text.sentences(sentence, gettext("It is recorded against the decision."))
    if reason := _strings([new.get("reason")]):
        sentence = text.sentences(sentence, gettext("Reason given: %(reason)s") % {
            "reason": reason[0]})
    return sentence


def undone_sentence(old: dict, new: dict, when) -> str:
    """A RETRACTION_UNDONE event in words."""
    action = new.get("action")
    if action not in Action or action == Action.NO_ACTION:
        return ""
    return gettext("After the retraction, this action was undone: %(action)s.") % {
        "action": Action(action).label}
