"""Decisions with a full statement of reasons (DSA Art. 17(3)), answers to inquiries, and
the preview of exactly what the filer will receive before either is sent."""
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role
from complaints.domain.events import EventType
from complaints.domain.kinds import ERROR_UNANSWERED, appeal_decider_check, decision_check
from complaints.domain.questions import ERROR_REASON_REQUIRED, answer_reason_missing
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import Case, CaseKind, Deadline, Decision, Notification
from complaints.services.audit import event_record
from complaints.services.cases import case_advance_to, case_require_open, case_transition
from complaints.services.deadlines import deadline_meet
from complaints.services.desk import questions_answer
from complaints.services.dsa_statements import dsa_statements_for_decision
from complaints.services.enforcement import enforcement_orders_for_decision
from complaints.services.outbox import filer_notify
from complaints.services.outbox.email import notification_render
from complaints.services.owners import owner_statements_send
from complaints.services.policies import filer_misuse_review
from complaints.services.quality import quality_tallies_kept

APPEAL_WINDOW = relativedelta(months=6)
ERROR_REASONS_MISSING = gettext_lazy(
    "A decision needs the facts relied on and the ground (law or policy)."
)
ERROR_ACTIONS_MISSING = gettext_lazy("Say which actions were taken, or “No action”.")
ERROR_AUTOMATED_DETAIL = gettext_lazy("Say how automated means were used.")
ERROR_NOT_A_QUESTION = gettext_lazy("An answer was given to a question this inquiry does "
                                    "not have.")


@dataclass(frozen=True)
class Preview:
    """An e-mail as its recipient would read it."""

    subject: str
    text: str
    language: str


def _reasons_check(*, case: Case, outcome: str, actions: list[str], facts: str, ground: str,
                   automated_means: bool, automated_detail: str, rejection_reason: str,
                   decided_by, override_reason: str, merged: bool = False) -> bool:
    """Every rule a decision must meet, whichever face asks. Returns whether it is a
    supervisor's override of the rule that an appeal has a new decider. A duplicate
    merged into the decided case (`merged`) shares its answer: its own questions are
    not counted."""
    unanswered = (case.questions.filter(answer_category="").count()
                  if case.kind == CaseKind.INQUIRY and not merged else 0)
    decision_check(kind=case.kind, outcome=outcome, actions=list(actions),
                   unanswered=unanswered, rejection_reason=rejection_reason)
    # An answer to an inquiry is its answers; a note beside them is optional.
    if case.kind != CaseKind.INQUIRY and (not facts.strip() or not ground.strip()):
        raise ValidationError(ERROR_REASONS_MISSING, code="reasons")
    if not actions:
        raise ValidationError(ERROR_ACTIONS_MISSING, code="actions")
    if automated_means and not automated_detail.strip():
        raise ValidationError(ERROR_AUTOMATED_DETAIL, code="automated")
    if case.kind != CaseKind.APPEAL or not case.appeal_of_id:
        return False
    first = Decision.objects.filter(case_id=case.appeal_of_id).values_list(
        "decided_by_id", flat=True).first()
    return appeal_decider_check(decided_the_first=first == decided_by.pk,
                                is_supervisor=decided_by.role == Role.SUPERVISOR,
                                override_reason=override_reason)


def _decision_write(*, case: Case, **decision) -> tuple[Decision, Notification]:
    """Decide the case (and its open merged duplicates), the answer-quality roll-ups kept
    in step."""
    with quality_tallies_kept(case_ids=[case.pk]):
        return _decision_made(case=case, **decision)


def _decision_made(*, case: Case, decided_by, outcome: str, actions: list[str], facts: str,
                   ground: str, automated_means: bool, automated_detail: str = "",
                   rejection_reason: str = "", override_reason: str = "",
                   merged: bool = False) -> tuple[Decision, Notification]:
    case_require_open(case)
    override = _reasons_check(
        case=case, outcome=outcome, actions=actions, facts=facts, ground=ground,
        automated_means=automated_means, automated_detail=automated_detail,
        rejection_reason=rejection_reason, decided_by=decided_by,
        override_reason=override_reason, merged=merged)
    case_advance_to(case=case, target=Status.IN_REVIEW, actor=decided_by)
    now = timezone.now()
    decision = Decision.objects.create(
        case=case, outcome=outcome, actions=list(actions), facts=facts, ground=ground,
        automated_means=automated_means, automated_detail=automated_detail,
        rejection_reason=rejection_reason, decided_by=decided_by,
        appeal_deadline=now + APPEAL_WINDOW,
    )
    if override:
        event_record(case=case, actor=decided_by,
                     event_type=EventType.APPEAL_DECIDER_OVERRIDE,
                     new={"reason": override_reason.strip()})
    # The clocks are met first: a rejection ends the case, which stops any clock still open.
    deadline_meet(case=case, clock=Deadline.Clock.FIRST_RESPONSE, actor=decided_by)
    deadline_meet(case=case, clock=Deadline.Clock.DECISION, actor=decided_by)
    if outcome == Decision.Outcome.REJECTED:
        case_transition(case=case, target=Status.REJECTED, actor=decided_by)
    else:
        case_advance_to(case=case, target=Status.DECIDED, actor=decided_by)
    new = {"outcome": outcome, "actions": list(actions), "automated_means": automated_means}
    if rejection_reason:
        new["rejection_reason"] = rejection_reason
    event_record(case=case, actor=decided_by, event_type=EventType.DECISION_RECORDED, new=new)
    notification = filer_notify(case=case, event="decision", template="case_decision",
                                refs={"decision_id": decision.pk})
    if rejection_reason == Decision.RejectionReason.MANIFESTLY_UNFOUNDED:
        filer_misuse_review(filer=case.filer)  # DSA Art. 23: warn, then suspend
    # The owners whose output it restricts get their statement of reasons (DSA Art. 17),
    # written in this transaction as every e-mail is, and sent after commit.
    owner_statements_send(case=case, decision=decision)
    # Merged duplicates share the decision; each of their filers is told.
    for duplicate in case.duplicates.filter(status__in=OPEN_STATUSES):
        _decision_write(case=duplicate, decided_by=decided_by, outcome=outcome,
                        actions=actions, facts=facts, ground=ground,
                        automated_means=automated_means, automated_detail=automated_detail,
                        rejection_reason=rejection_reason, override_reason=override_reason,
                        merged=True)
    return decision, notification


@transaction.atomic
def decision_record(*, case: Case, decided_by, outcome: str, actions: list[str], facts: str,
                    ground: str, automated_means: bool, automated_detail: str = "",
                    rejection_reason: str = "", override_reason: str = "") -> Decision:
    """Decide a case (or reject a notice, with its reason), tell its filer and meet its
    clocks. An appeal is decided by someone other than the first decider, unless a
    supervisor overrides that with a reason, which goes into the audit trail."""
    decision, _notification = _decision_write(
        case=case, decided_by=decided_by, outcome=outcome, actions=actions, facts=facts,
        ground=ground, automated_means=automated_means, automated_detail=automated_detail,
        rejection_reason=rejection_reason, override_reason=override_reason)
    dsa_statements_for_decision(decision=decision)
    enforcement_orders_for_decision(decision=decision)  # the AI product acts on it
    return decision


def _answers_write(*, case: Case, actor, answers: dict[int, tuple[str, str]]) -> None:
    """Every answer kept, or every refusal at once: a withheld answer without its reason
    (beside its question), and how many questions are left without an answer."""
    questions = {q.pk: q for q in case.questions.all()}
    if set(answers) - set(questions):
        raise ValidationError(ERROR_NOT_A_QUESTION, code="question")
    errors = {f"q{pk}_text": [ERROR_REASON_REQUIRED] for pk, (category, text)
              in answers.items() if answer_reason_missing(category, text)}
    unanswered = sum(1 for pk, q in questions.items()
                     if not (answers[pk][0] if pk in answers else q.answer_category))
    if unanswered:
        errors[NON_FIELD_ERRORS] = [ERROR_UNANSWERED % {"n": unanswered}]
    if errors:
        raise ValidationError(errors)
    questions_answer(case=case, actor=actor,
                     answers={questions[pk]: given for pk, given in answers.items()})


def _answer_write(*, case: Case, actor, answers: dict[int, tuple[str, str]],
                  note: str) -> tuple[Decision, Notification]:
    _answers_write(case=case, actor=actor, answers=answers)
    return _decision_write(case=case, decided_by=actor, outcome=Decision.Outcome.ANSWERED,
                           actions=[Decision.Action.NO_ACTION], facts=note, ground="",
                           automated_means=False)


@transaction.atomic
def inquiry_answer(*, case: Case, actor, answers: dict[int, tuple[str, str]],
                   note: str = "") -> Decision:
    """Answer an inquiry in one step: every question's answer (question id → category and
    explanation; "cannot disclose" with its reason), then one e-mail to the filer with all
    of them. Meets the first-response and decision clocks."""
    decision, _notification = _answer_write(case=case, actor=actor, answers=answers,
                                            note=note)
    return decision


class _Undo(Exception):  # noqa: N818 - not an error: ends a preview's transaction
    pass


def _preview(write, **kwargs) -> Preview:
    """What `write` would send the filer, rendered as the worker renders it, and then
    undone: nothing is saved, sent or queued (callbacks of a rolled-back block are
    dropped)."""
    preview = None
    try:
        with transaction.atomic():
            _decision, notification = write(**kwargs)
            notification_render(notification)
            preview = Preview(subject=notification.subject, text=notification.body_text,
                              language=notification.language)
            raise _Undo
    except _Undo:
        pass
    return preview


def decision_preview(**kwargs) -> Preview:
    """The decision e-mail `decision_record(**kwargs)` would send, or the ValidationError
    it would raise. Pass a fresh copy of the case: the preview changes it in memory."""
    return _preview(_decision_write, **kwargs)


def inquiry_answer_preview(**kwargs) -> Preview:
    """The e-mail `inquiry_answer(**kwargs)` would send, or the error it would raise."""
    return _preview(_answer_write, **kwargs)
