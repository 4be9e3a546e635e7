"""The filer's word on whether an answer helped."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.cases import Case


class Feedback(models.Model):
    """The filer's answer to "did this answer help?"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    helpful = models.BooleanField(_("the answer helped"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="feedback_once_per_person")
        ]

    def __str__(self):
        return f"{self.case_id}: {'yes' if self.helpful else 'no'}"
