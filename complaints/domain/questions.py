"""How a question of an inquiry was answered: an explicit category beside the words."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class AnswerCategory(Choices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PARTLY = "partly", _("Partly")
    UNKNOWN = "unknown", _("Unknown")
    CANNOT_DISCLOSE = "cannot_disclose", _("Cannot disclose")
