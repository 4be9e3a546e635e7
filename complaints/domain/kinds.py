"""The kinds of case, as people name them.

A kind's label ("Inquiry") heads a page or a column; running text names it in the middle
of a sentence ("We have received your inquiry", 「お問い合わせを受け付けました」), which in
English wants lower case and in Japanese the glossary's term.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from complaints.domain.decisions import Action, Outcome, RejectionReason

IN_A_SENTENCE = {
    "output_complaint": pgettext_lazy("kind in a sentence", "output complaint"),
    "training_objection": pgettext_lazy("kind in a sentence", "training objection"),
    "inquiry": pgettext_lazy("kind in a sentence", "inquiry"),
    "appeal": pgettext_lazy("kind in a sentence", "appeal"),
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
