"""Decisions with a full statement of reasons (DSA Art. 17(3))."""
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints.domain.events import EventType
from complaints.domain.kinds import decision_check
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import Case, CaseKind, Deadline, Decision
from complaints.services.audit import event_record
from complaints.services.cases import case_advance_to, case_require_open
from complaints.services.deadlines import deadline_meet
from complaints.services.outbox import filer_notify

APPEAL_WINDOW = relativedelta(months=6)
ERROR_REASONS_MISSING = gettext_lazy(
    "A decision needs the facts relied on and the ground (law or policy)."
)
ERROR_ACTIONS_MISSING = gettext_lazy("Say which actions were taken, or “No action”.")
ERROR_AUTOMATED_DETAIL = gettext_lazy("Say how automated means were used.")


@transaction.atomic
def decision_record(
    *,
    case: Case,
    decided_by,
    outcome: str,
    actions: list[str],
    facts: str,
    ground: str,
    automated_means: bool,
    automated_detail: str = "",
) -> Decision:
    case_require_open(case)
    unanswered = (case.questions.filter(answer_category="").count()
                  if case.kind == CaseKind.INQUIRY else 0)
    decision_check(kind=case.kind, outcome=outcome, actions=list(actions),
                   unanswered=unanswered)
    if not facts.strip() or not ground.strip():
        raise ValidationError(ERROR_REASONS_MISSING, code="reasons")
    if not actions:
        raise ValidationError(ERROR_ACTIONS_MISSING, code="actions")
    if automated_means and not automated_detail.strip():
        raise ValidationError(ERROR_AUTOMATED_DETAIL, code="automated")
    case_advance_to(case=case, target=Status.IN_REVIEW, actor=decided_by)
    now = timezone.now()
    decision = Decision.objects.create(
        case=case, outcome=outcome, actions=list(actions), facts=facts, ground=ground,
        automated_means=automated_means, automated_detail=automated_detail,
        decided_by=decided_by, appeal_deadline=now + APPEAL_WINDOW,
    )
    case_advance_to(case=case, target=Status.DECIDED, actor=decided_by)
    event_record(
        case=case, actor=decided_by, event_type=EventType.DECISION_RECORDED,
        new={"outcome": outcome, "actions": list(actions), "automated_means": automated_means},
    )
    deadline_meet(case=case, clock=Deadline.Clock.FIRST_RESPONSE, actor=decided_by)
    deadline_meet(case=case, clock=Deadline.Clock.DECISION, actor=decided_by)
    filer_notify(case=case, event="decision", template="case_decision",
                 refs={"decision_id": decision.pk})
    # Merged duplicates share the decision; each of their filers is told.
    for duplicate in case.duplicates.filter(status__in=OPEN_STATUSES):
        decision_record(case=duplicate, decided_by=decided_by, outcome=outcome,
                        actions=actions, facts=facts, ground=ground,
                        automated_means=automated_means, automated_detail=automated_detail)
    return decision
