"""The desk's own material: canned responses."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import Language


class CannedResponse(models.Model):
    """A reply template, one row per language. Placeholders: {filer_name}, {reference},
    {work_titles}, {case_title}."""

    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=2,
                                choices=Language.choices)
    body = models.TextField(
        _("text"),
        help_text=_("The e-mail that carries it greets the filer and signs for the desk: "
                    "start with the matter. You can use {filer_name}, {reference}, "
                    "{case_title} and {work_titles}."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="canned_name_language")
        ]

    def __str__(self):
        return pgettext("a canned response", "%(name)s (%(language)s)") % {
            "name": self.name, "language": self.get_language_display()}
