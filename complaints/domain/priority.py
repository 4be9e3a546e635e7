"""How urgent a case is for the desk."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class Priority(Choices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")
