"""Enforcement orders: what the AI product must do to act on a decision (remove an output,
block a prompt or character, exclude works from training, restore an output), and the
product's acknowledgement that it was done."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.enforcement import EnforcementAction, EnforcementState, order_state
from complaints.models.cases import Case
from complaints.models.decisions import Decision


class EnforcementOrder(models.Model):
    Action = EnforcementAction
    State = EnforcementState

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="enforcement_orders",
                             verbose_name=_("case"))
    # Empty for a restore after a counter-notice: no decision orders it, the clock does.
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="enforcement_orders",
                                 verbose_name=_("decision"))
    action = models.CharField(_("action ordered"), max_length=20,
                              choices=EnforcementAction.choices)
    # What the product needs in the order itself: [{"url", "prompt"}] and
    # [{"title", "kind", "rights_holder", "identifier"}].
    locations = models.JSONField(_("output locations"), default=list, blank=True)
    works = models.JSONField(_("works"), default=list, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at (as the AI product says)"), null=True,
                                   blank=True)
    note = models.TextField(_("the AI product's note"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("acknowledged by"))

    class Meta:
        verbose_name = _("enforcement order")
        verbose_name_plural = _("enforcement orders")
        ordering = ["-ordered_at", "-pk"]
        indexes = [
            # Pending and overdue orders, oldest due first (the desk's list, /metrics).
            models.Index(fields=["acknowledged_at", "due_at"], name="enforcement_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.case_id})"

    @property
    def state(self) -> EnforcementState:
        return order_state(acknowledged_at=self.acknowledged_at, due_at=self.due_at,
                           now=timezone.now())
