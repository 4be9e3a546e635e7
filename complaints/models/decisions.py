"""The statement of reasons that decides a case."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.domain.decisions import Action, Outcome, RejectionReason
from complaints.domain.labels import choice_display
from complaints.models.cases import Case


class Decision(models.Model):
    """A statement of reasons (DSA Art. 17(3))."""

    # The domain's choices, under the names callers know (Decision.Outcome.UPHELD).
    Outcome = Outcome
    Action = Action
    RejectionReason = RejectionReason

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    get_outcome_display = choice_display("outcome")
    actions = models.JSONField(_("actions taken"), default=list)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=24, blank=True,
                                        choices=RejectionReason.choices)
    facts = models.TextField(_("facts relied on"))
    ground = models.TextField(_("ground (law or policy)"))
    automated_means = models.BooleanField(_("automated means were used"), default=False)
    automated_detail = models.TextField(_("how automated means were used"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    appeal_deadline = models.DateTimeField(_("appeal possible until"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        # The answer-quality screen counts the decisions of a period's first and last hour.
        indexes = [models.Index(fields=["decided_at"], name="decision_decided_at_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.get_outcome_display()}"

    @property
    def actions_worth_saying(self) -> bool:
        """Whether the actions add to the outcome: "not upheld" and "answered" already say
        that nothing was done (no 「実施した措置：措置なし」 under them)."""
        return self.outcome not in (self.Outcome.NOT_UPHELD, self.Outcome.ANSWERED,
                                    self.Outcome.REJECTED)

    @property
    def action_labels(self) -> list[str]:
        return [str(self.Action(a).label) for a in self.actions if a in self.Action.values]
