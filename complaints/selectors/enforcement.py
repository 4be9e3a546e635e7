"""Reads of enforcement orders that the API, the desk and the metrics share: the orders
in a state (pending, overdue, done) and the figures of those not yet acknowledged, on the
index enforcement_open_idx (acknowledged_at, due_at)."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from complaints.domain.enforcement import EnforcementState
from complaints.models import EnforcementOrder
from config.queries import CompiledQuery


def enforcement_orders() -> QuerySet:
    """Every order with its case's reference, for a list or the API."""
    return EnforcementOrder.objects.select_related("case").defer(
        *(f"case__{name}" for name in ("similarity", "authority_statement",
                                       "catalogue_identifiers", "fulfilment_note",
                                       "appeal_grounds")))


def enforcement_orders_in_state(queryset: QuerySet, *, state: str, now: datetime) -> QuerySet:
    if state == EnforcementState.DONE:
        return queryset.filter(acknowledged_at__isnull=False)
    waiting = queryset.filter(acknowledged_at__isnull=True)
    if state == EnforcementState.OVERDUE:
        return waiting.filter(due_at__lte=now)
    if state == EnforcementState.PENDING:
        return waiting.filter(due_at__gt=now)
    return queryset


@dataclass(frozen=True)
class EnforcementFigures:
    waiting: int
    overdue: int
    oldest_waiting_seconds: float  # 0 when none waits


def enforcement_figures(now: datetime | None = None) -> EnforcementFigures:
    """Orders not yet acknowledged: how many, how many overdue, the age of the oldest.
    One indexed query."""
    now = now or timezone.now()
    row = EnforcementOrder.objects.filter(acknowledged_at__isnull=True).aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(due_at__lte=now)),
        oldest=Min("ordered_at"))
    oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return EnforcementFigures(waiting=row["waiting"], overdue=row["overdue"],
                              oldest_waiting_seconds=max(oldest, 0.0))


_CASE_ORDERS = CompiledQuery(
    EnforcementOrder, lambda pk: EnforcementOrder.objects.filter(case_id=pk))


def enforcement_orders_call(pk: int) -> tuple:
    """The compiled query and ids of case `pk`'s orders to the AI product, latest first, to
    be sent with the case page's other queries (list_together): none for a case with no
    decision."""
    return _CASE_ORDERS, (pk,)
