"""Notices their filers retracted, wholly or for some output locations, and what the desk
undoes for a retraction after a decision (complaints.domain.retractions)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.decisions import Action
from complaints.models.cases import Case
from complaints.models.decisions import Decision


class Retraction(models.Model):
    """The filer's retraction, in their words; its locations point back to it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="retractions",
                             verbose_name=_("case"))
    filer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("filer"))
    whole = models.BooleanField(_("the whole notice"), default=False)
    statement = models.TextField(_("filer's statement"))
    # The decision in force when it was retracted after one (None: before a decision).
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="retractions", verbose_name=_("decision"))
    created_at = models.DateTimeField(_("retracted at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("retraction")
        verbose_name_plural = _("retractions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case.reference} · {self.created_at:%Y-%m-%d}"

    @property
    def after_decision(self) -> bool:
        return self.decision_id is not None

    @property
    def urls(self) -> list[str]:
        return [location.url for location in self.locations.all()]

    @property
    def undo_labels(self) -> list[str]:
        return [str(undo.get_action_display()) for undo in self.undos.all()]


class RetractionUndo(models.Model):
    """One action of a decision that a retraction takes back, until the desk has."""

    retraction = models.ForeignKey(Retraction, on_delete=models.CASCADE,
                                   related_name="undos", verbose_name=_("retraction"))
    action = models.CharField(_("action to undo"), max_length=32, choices=Action.choices)
    done_at = models.DateTimeField(_("undone at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+",
                                verbose_name=_("undone by"))

    class Meta:
        verbose_name = _("action to undo")
        verbose_name_plural = _("actions to undo")
        ordering = ["done_at", "retraction_id", "id"]

    def __str__(self):
        return str(self.get_action_display())
