"""Retracting a notice, wholly or for some output locations, before or after its decision
(the rule: complaints.domain.retractions), and the desk undoing what a decision did for
the retracted part. Portal, API and admin all come here."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints.domain.events import EventType
from complaints.domain.retractions import RetractionPlan, retraction_plan
from complaints.domain.status import OPEN_STATUSES
from complaints.models import Case, Decision, OutputLocation, Retraction, RetractionUndo
from complaints.selectors.decisions import decision_in_force
from complaints.services.audit import event_record, events_record
from complaints.services.cases import case_touch, case_withdraw
from complaints.services.enforcement import enforcement_orders_for_retraction
from complaints.services.outbox import filer_notify
from complaints.services.register import register_entries_close

ERROR_NOT_FILER = gettext_lazy("Only the filer can retract this notice.")


def _open_appeal(case: Case) -> Case | None:
    return case.appeals.filter(status__in=OPEN_STATUSES).order_by("-pk").first()


def _plan(*, case: Case, actor, whole: bool, urls, statement: str,
          decision: Decision | None) -> RetractionPlan:
    if actor.pk != case.filer_id:
        raise ValidationError(ERROR_NOT_FILER, code="not_filer")
    locations = list(case.locations.order_by("position", "pk")
                     .values_list("url", "retraction_id"))
    return retraction_plan(
        kind=case.kind, status=case.status, decided=decision is not None,
        actions=decision.actions if decision else (),
        locations=[url for url, _ in locations],
        retracted=[url for url, retraction in locations if retraction],
        wholly_retracted=case.retractions.filter(whole=True).exists(),
        open_appeal=getattr(_open_appeal(case), "reference", ""),
        whole=whole, chosen=list(urls), statement=statement)


def retraction_check(*, case: Case, actor, whole: bool, urls=(),
                     statement: str) -> RetractionPlan:
    """What `retraction_record` would do, or its refusal: for a confirmation page."""
    return _plan(case=case, actor=actor, whole=whole, urls=urls, statement=statement,
                 decision=decision_in_force(case))


@transaction.atomic
def retraction_record(*, case: Case, actor, whole: bool, urls=(),
                      statement: str) -> Retraction:
    """The filer retracts the notice, wholly or for the output locations `urls`.

    Before a decision the whole notice is the case withdrawn; some locations leave it open
    for the rest. After one, the case stays decided and each action of the decision in
    force for the retracted part is marked to undo for the desk. In the audit trail, and
    confirmed to the filer by e-mail."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    decision = decision_in_force(case)
    plan = _plan(case=case, actor=actor, whole=whole, urls=urls, statement=statement,
                 decision=decision)
    statement = statement.strip()
    retraction = Retraction.objects.create(case=case, filer=actor, whole=plan.whole,
                                           statement=statement, decision=decision)
    OutputLocation.objects.filter(case=case, url__in=plan.urls,
                                  retraction__isnull=True).update(retraction=retraction)
    RetractionUndo.objects.bulk_create(RetractionUndo(retraction=retraction, action=action)
                                       for action in plan.to_undo)
    enforcement_orders_for_retraction(retraction=retraction, to_undo=plan.to_undo,
                                      urls=plan.urls)  # removed outputs come back
    event_record(case=case, actor=actor, event_type=EventType.NOTICE_RETRACTED, new={
        "retraction": retraction.pk, "whole": plan.whole, "locations": list(plan.urls),
        "after_decision": plan.after_decision, "undo": list(plan.to_undo),
        "reason": statement})
    if plan.is_withdrawal:
        case_withdraw(case=case, actor=actor, reason=statement)
    else:
        if plan.whole:  # after the decision: the register stops excluding the works,
            register_entries_close(case=case, actor=actor, ending="retracted",
                                   reason=statement)
            if appeal := _open_appeal(case):  # and an appeal against it has no object
                case_withdraw(case=appeal, actor=actor, reason=statement)
        case_touch(case=case)
    filer_notify(case=case, event=f"retraction:{retraction.pk}", template="case_retracted",
                 refs={"retraction_id": retraction.pk})
    return retraction


@transaction.atomic
def retraction_undos_done(*, undo_ids, actor) -> int:
    """The desk has undone these actions: each is marked done once, in its case's audit
    trail. Returns how many were marked now."""
    undos = list(RetractionUndo.objects.select_for_update()
                 .filter(pk__in=list(undo_ids), done_at__isnull=True)
                 .select_related("retraction__case"))
    now = timezone.now()
    by_case: dict[int, list[RetractionUndo]] = {}
    for undo in undos:
        undo.done_at, undo.done_by = now, actor
        by_case.setdefault(undo.retraction.case_id, []).append(undo)
    RetractionUndo.objects.bulk_update(undos, ["done_at", "done_by"])
    for case_undos in by_case.values():
        events_record(case=case_undos[0].retraction.case, actor=actor, events=[
            {"event_type": EventType.RETRACTION_UNDONE,
             "new": {"retraction": undo.retraction_id, "action": undo.action}}
            for undo in case_undos])
    return len(undos)

