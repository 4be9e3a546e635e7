"""How a question of an inquiry was answered: an explicit category beside the words."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class AnswerCategory(Choices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PARTLY = "partly", _("Partly")
    UNKNOWN = "unknown", _("Unknown")
    CANNOT_DISCLOSE = "cannot_disclose", _("Cannot disclose")


ERROR_REASON_REQUIRED = _("Say why it cannot be disclosed: a reason is required for this "
                          "answer.")


def answer_reason_missing(category: str, text: str) -> bool:
    """"Cannot disclose" is always given with its reason."""
    return category == AnswerCategory.CANNOT_DISCLOSE and not text.strip()
