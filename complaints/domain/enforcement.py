"""Enforcement orders: what the AI product must do to act on the desk's decisions, and
when an order is pending, overdue or done. Plain rules; the rows live in
complaints/models/enforcement.py, the writes in complaints/services/enforcement.py."""
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.domain import text
from complaints.domain.choices import Choices
from complaints.domain.decisions import Action

# A product's clock may run a little off ours: a done_at this far out is taken as the edge.
CLOCK_SKEW = timedelta(minutes=2)
NOTE_MAX = 2000


class EnforcementAction(Choices):
    REMOVE = "remove", _("Remove the output")
    BLOCK_PROMPT = "block_prompt", _("Block the prompt or character")
    EXCLUDE_TRAINING = "exclude_training", _("Exclude the works from training")
    RESTORE = "restore", _("Restore the output")


class EnforcementState(Choices):
    PENDING = "pending", _("Waiting for the AI product")
    OVERDUE = "overdue", _("Overdue: not acknowledged in time")
    DONE = "done", _("Done")


# A decision's action → what the product must do. "No action" asks nothing of it.
ORDER_FOR_ACTION = {
    Action.OUTPUT_REMOVED: EnforcementAction.REMOVE,
    Action.PROMPT_BLOCKED: EnforcementAction.BLOCK_PROMPT,
    Action.EXCLUDED_FROM_TRAINING: EnforcementAction.EXCLUDE_TRAINING,
}

ERROR_DONE_AT_FUTURE = _("“Done at” is in the future. Give the time the action was "
                         "actually done, with its zone.")
ERROR_DONE_AT_BEFORE_ORDER = _("“Done at” is before the order was made (%(ordered_at)s). "
                               "Give the time the action was done for this order.")
ERROR_NOTE_LONG = _("Keep the note to %(max)s characters or fewer.")


def order_actions(actions: Iterable[str]) -> list[EnforcementAction]:
    """The orders a decision's actions need, one per kind, in the decision's order."""
    orders = [ORDER_FOR_ACTION[a] for a in actions if a in ORDER_FOR_ACTION]
    return list(dict.fromkeys(orders))


def order_state(*, acknowledged_at: datetime | None, due_at: datetime,
                now: datetime) -> EnforcementState:
    if acknowledged_at is not None:
        return EnforcementState.DONE
    return EnforcementState.OVERDUE if now >= due_at else EnforcementState.PENDING


def acknowledgement_check(*, done_at: datetime, ordered_at: datetime, now: datetime,
                          note: str, when=str) -> None:
    """Every refusal of an acknowledgement at once, keyed by field (`done_at`, `note`).
    `when` formats a time for the message."""
    errors: dict[str, list[ValidationError]] = {}
    if done_at > now + CLOCK_SKEW:
        errors["done_at"] = [ValidationError(ERROR_DONE_AT_FUTURE, code="done_at_future")]
    elif done_at < ordered_at - CLOCK_SKEW:
        errors["done_at"] = [ValidationError(
            ERROR_DONE_AT_BEFORE_ORDER % {"ordered_at": when(ordered_at)},
            code="done_at_before_order")]
    if len(note) > NOTE_MAX:
        errors["note"] = [ValidationError(ERROR_NOTE_LONG % {"max": NOTE_MAX},
                                          code="note_long")]
    if errors:
        raise ValidationError(errors)


# --- The audit trail's sentences (complaints.domain.event_sentences) -----------------

def _label(value) -> str:
    return str(EnforcementAction(value).label) if value in EnforcementAction else ""


def _strings(value) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] \
        if isinstance(value, list) else []


def ordered_sentence(old: dict, new: dict, when) -> str:
    """An ENFORCEMENT_ORDERED event in words."""
    label = _label(new.get("action"))
    if not label:
        return ""
    sentence = gettext("The AI product was ordered: %(action)s.") % {"action": label}
    if urls := _strings(new.get("locations")):
        sentence = text.sentences(sentence, ngettext(
            "Output location: %(locations)s.", "Output locations: %(locations)s.",
            len(urls)) % {"locations": text.listing(urls)})
    if titles := _strings(new.get("works")):
        sentence = text.sentences(sentence, ngettext(
            "Work: %(works)s.", "Works: %(works)s.", len(titles)) % {
            "works": text.listing(titles)})
    return sentence


def done_sentence(old: dict, new: dict, when) -> str:
    """An ENFORCEMENT_DONE event in words."""
    label = _label(new.get("action"))
    if not label:
        return ""
    sentence = gettext("The AI product reported this action done: %(action)s.") % {
        "action": label}
    if isinstance(note := new.get("note"), str) and note.strip():
        sentence = text.sentences(sentence, gettext("Its note: %(note)s") % {
            "note": note.strip()})
    return sentence
