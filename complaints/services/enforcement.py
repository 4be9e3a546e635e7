"""Enforcement orders: the AI product is told, by a signed webhook and on its own API
list, what to do to act on the desk's decisions, and acknowledges each with when it was
done. An order not acknowledged by its due time is overdue on the desk.

Which decisions order what (complaints.domain.enforcement):
- a decision's actions: "output removed" → remove, "prompt or character blocked" →
  block_prompt, "works excluded from training" → exclude_training; "no action" → none;
- an appeal that reverses: each action the reversal takes that the earlier decision did
  not; and "restore" when the earlier decision removed outputs and the reversal does not;
- a retraction after the decision: "restore" for the retracted locations whose outputs
  were removed (the desk's list of actions to undo keeps the rest: prompt blocks and
  training exclusions have no product order to undo them);
- a counter-notice's restore clock: "restore" (enforcement_order_restore).

The product's endpoint: a webhook (complaints.services.webhooks) registered by an account
with the role "AI product" (accounts.models.Role.PRODUCT) hears `enforcement.ordered`;
its payload is `enforcement_payload` below.
"""
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints.domain.decisions import Action, Outcome
from complaints.domain.enforcement import (
    EnforcementAction,
    acknowledgement_check,
    order_actions,
)
from complaints.domain.events import EventType
from complaints.models import Case, Decision, EnforcementOrder, OutputLocation, WebhookEndpoint
from complaints.services.audit import event_record
from complaints.services.outbox import webhook_deliveries_write

EVENT_ENFORCEMENT_ORDERED = "enforcement.ordered"
PRODUCT_PERMISSION = "complaints.act_for_product"
ERROR_NOT_PRODUCT = gettext_lazy("Only the AI product's account may acknowledge "
                                 "enforcement orders.")


def may_act_for_product(user) -> bool:
    """The AI product's API account: not staff (a superuser holds every permission), with
    the permission its role gives."""
    return bool(user and user.is_authenticated and user.is_active and not user.is_staff
                and user.has_perm(PRODUCT_PERMISSION))


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- What an order names ----------------------------------------------------------------
def _locations(cases: list[Case], urls=None) -> list[dict]:
    """The output locations not retracted of these cases (or those of `urls`), each once."""
    rows = OutputLocation.objects.filter(case__in=cases).order_by("case_id", "position", "pk")
    rows = rows.filter(url__in=list(urls)) if urls is not None else \
        rows.filter(retraction__isnull=True)
    seen: dict[str, dict] = {}
    for url, prompt in rows.values_list("url", "prompt"):
        seen.setdefault(url, {"url": url, "prompt": prompt})
    return list(seen.values())


def _works(cases: list[Case]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for work in (case_work for case in cases for case_work in case.works.all()):
        seen.setdefault((work.title, work.identifier), {
            "title": work.title, "kind": work.kind, "rights_holder": work.rights_holder,
            "identifier": work.identifier})
    return list(seen.values())


def _concerned(action: str, cases: list[Case]) -> tuple[list[dict], list[dict]]:
    """What the product acts on for this kind of order: the outputs it removes or
    restores, the prompts (with the works as characters) it blocks, the works it
    excludes from training."""
    if action in (EnforcementAction.REMOVE, EnforcementAction.RESTORE):
        return _locations(cases), []
    if action == EnforcementAction.BLOCK_PROMPT:
        return _locations(cases), _works(cases)
    return [], _works(cases)


# --- Writing orders ---------------------------------------------------------------------
def enforcement_payload(order: EnforcementOrder) -> dict:
    """The webhook's body (`enforcement.ordered`), the same fields as the API's list."""
    return {
        "id": f"enforcement:{order.pk}",
        "type": EVENT_ENFORCEMENT_ORDERED,
        "created_at": _utc(order.ordered_at),
        "data": {
            "order_id": order.pk,
            "action": str(order.action),
            "case_reference": order.case.reference,
            "decision_id": order.decision_id,
            "locations": order.locations,
            "works": order.works,
            "ordered_at": _utc(order.ordered_at),
            "due_at": _utc(order.due_at),
            "acknowledge_url": settings.SITE_URL + reverse(
                "api:enforcement_acknowledge", args=[order.pk]),
        },
    }


def _product_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(
        active=True, owner__is_active=True, owner__is_staff=False,
        owner__groups__permissions__codename="act_for_product",
        owner__groups__permissions__content_type__app_label="complaints",
    ).distinct().only("pk"))


def _orders_write(*, case: Case, decision: Decision | None, actor,
                  orders: list[tuple[str, list[dict], list[dict]]]) -> list[EnforcementOrder]:
    """Save the orders, put each in the case's audit trail, and write its webhook
    deliveries (sent after commit). Call inside the transaction that caused them."""
    if not orders:
        return []
    now = timezone.now()
    due = now + timedelta(hours=settings.KOTAE_ENFORCEMENT_DUE_HOURS)
    made = EnforcementOrder.objects.bulk_create(
        EnforcementOrder(case=case, decision=decision, action=action, locations=locations,
                         works=works, ordered_at=now, due_at=due)
        for action, locations, works in orders)
    endpoints = _product_endpoints()
    for order in made:
        order.case = case
        event_record(case=case, actor=actor, event_type=EventType.ENFORCEMENT_ORDERED, new={
            "order": order.pk, "action": str(order.action),
            "locations": [loc["url"] for loc in order.locations],
            "works": [work["title"] for work in order.works]})
        if endpoints:
            webhook_deliveries_write(endpoints=endpoints, event_id=f"enforcement:{order.pk}",
                                     event_type=EVENT_ENFORCEMENT_ORDERED,
                                     payload=enforcement_payload(order))
    return made


def _earlier_actions(decision: Decision) -> tuple[Case, list[str]] | None:
    """For an appeal's reversal: the case decided first and the actions in force until
    now; None for any other decision."""
    case = decision.case
    if case.appeal_of_id is None or decision.outcome != Outcome.REVERSED:
        return None
    earlier = Decision.objects.filter(case_id=case.appeal_of_id).first()
    return case.appeal_of, list(earlier.actions) if earlier else []


def enforcement_orders_for_decision(*, decision: Decision) -> list[EnforcementOrder]:
    """The orders a decision gives the AI product, one per kind of action; none for "no
    action", nor for an appeal that confirms. Call inside the decision's transaction."""
    case = decision.case
    kinds = order_actions(decision.actions)
    if reversal := _earlier_actions(decision):
        case, before = reversal
        kinds = [k for k in kinds if k not in order_actions(before)]
        if Action.OUTPUT_REMOVED in before and Action.OUTPUT_REMOVED not in decision.actions:
            kinds.append(EnforcementAction.RESTORE)
    elif case.appeal_of_id is not None:
        return []  # confirmed: the earlier decision's orders stand
    cases = [case, *case.duplicates.all()]  # merged duplicates share the decision
    orders = []
    for kind in kinds:
        locations, works = _concerned(kind, cases)
        if locations or works:  # nothing to act on (every location retracted): no order
            orders.append((kind, locations, works))
    return _orders_write(case=case, decision=decision, actor=decision.decided_by,
                         orders=orders)


def enforcement_order_restore(*, case: Case, locations, decision: Decision | None = None,
                              actor=None) -> EnforcementOrder | None:
    """Order the AI product to restore these output locations of the case (URLs), e.g.
    when a counter-notice's restore clock runs out or the filer retracts after a removal.
    None when no location is given. Call inside the transaction that decides it."""
    urls = list(dict.fromkeys(u for u in locations if u))
    if not urls:
        return None
    found = {loc["url"]: loc for loc in _locations([case], urls=urls)}
    rows = [found.get(url, {"url": url, "prompt": ""}) for url in urls]
    [order] = _orders_write(case=case, decision=decision, actor=actor,
                            orders=[(EnforcementAction.RESTORE, rows, [])])
    return order


def enforcement_orders_for_retraction(*, retraction, to_undo, urls) -> None:
    """A retraction after a decision that removed outputs: restore the retracted ones."""
    if Action.OUTPUT_REMOVED in to_undo:
        enforcement_order_restore(case=retraction.case, locations=urls,
                                  decision=retraction.decision, actor=retraction.filer)


# --- The product's acknowledgement -------------------------------------------------------
@transaction.atomic
def enforcement_acknowledge(*, order: EnforcementOrder, actor, done_at: datetime,
                            note: str = "") -> EnforcementOrder:
    """The AI product says the order was done at `done_at`. Once: acknowledging again
    changes nothing and returns the order as first acknowledged. Refuses (a
    ValidationError keyed `done_at` or `note`) a time in the future or before the order;
    only the product's account may acknowledge (PermissionDenied)."""
    if not may_act_for_product(actor):
        raise PermissionDenied(ERROR_NOT_PRODUCT)
    order = EnforcementOrder.objects.select_for_update().select_related("case").get(
        pk=order.pk)
    if order.acknowledged_at is not None:
        return order
    note = note.strip()
    now = timezone.now()
    acknowledgement_check(done_at=done_at, ordered_at=order.ordered_at, now=now, note=note,
                          when=_utc)
    order.acknowledged_at, order.acknowledged_by = now, actor
    order.done_at, order.note = min(max(done_at, order.ordered_at), now), note
    order.save(update_fields=["acknowledged_at", "acknowledged_by", "done_at", "note"])
    event_record(case=order.case, actor=actor, event_type=EventType.ENFORCEMENT_DONE, new={
        "order": order.pk, "action": str(order.action), "done_at": _utc(order.done_at),
        "note": note})
    return order
