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


class Action(Choices):
    OUTPUT_REMOVED = "output_removed", _("Output removed")
    PROMPT_BLOCKED = "prompt_blocked", _("Prompt or character blocked")
    EXCLUDED_FROM_TRAINING = "excluded_from_training", _("Works excluded from training")
    NO_ACTION = "no_action", _("No action")
