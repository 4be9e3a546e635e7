"""What a decision can conclude, and the actions it can take."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class Outcome(Choices):
    UPHELD = "upheld", _("Upheld: action taken")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld: no action")
    ANSWERED = "answered", _("Answered")
    REVERSED = "reversed", _("Earlier decision reversed")
    CONFIRMED = "confirmed", _("Earlier decision confirmed")
    REJECTED = "rejected", _("Rejected")


class Action(Choices):
    OUTPUT_REMOVED = "output_removed", _("Output removed")
    PROMPT_BLOCKED = "prompt_blocked", _("Prompt or character blocked")
    EXCLUDED_FROM_TRAINING = "excluded_from_training", _("Works excluded from training")
    NO_ACTION = "no_action", _("No action")


class RejectionReason(Choices):
    """Why a notice is rejected without being decided on its merits."""

    NOT_RIGHTS_HOLDER = "not_rights_holder", _("Not from the rights holder or their agent")
    NOT_COPYRIGHT = "not_copyright", _("Not a copyright matter")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("Manifestly unfounded")
    DUPLICATE = "duplicate", _("A duplicate of another case")
