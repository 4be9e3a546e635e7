"""Reads of decisions that the services and the pages share."""
from complaints.models import Case, Decision


def decision_in_force(case: Case) -> Decision | None:
    """The decision whose actions stand: an appeal's that reversed the case's decision,
    else the case's own (None before a decision)."""
    reversal = (Decision.objects.filter(case__appeal_of=case,
                                        outcome=Decision.Outcome.REVERSED)
                .order_by("-decided_at", "-pk").first())
    return reversal or Decision.objects.filter(case=case).first()
