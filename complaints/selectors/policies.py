"""Reads of the repeat-infringer and misuse policies that the desk, the services and the
transparency figures share."""
from datetime import datetime, timedelta

from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.domain.decisions import Action, Outcome, RejectionReason
from complaints.domain.policies import OwnerAction, owner_recommendation
from complaints.models import Case, CounterNotice, Decision
from complaints.models.policies import (
    FilerSuspension,
    OwnerAccountAction,
    OwnerStanding,
    PolicySettings,
)

_LADDER_RANK = {OwnerAction.WARNED: 1, OwnerAction.SUSPENDED: 2, OwnerAction.TERMINATED: 3}


def policy_settings_current() -> PolicySettings:
    """The one row of policy settings (made with the defaults the first time)."""
    settings, _created = PolicySettings.objects.get_or_create(pk=1)
    return settings


def _removed(prefix: str = "") -> Q:
    # `actions` is a JSON list; index lookups work on SQLite and PostgreSQL alike.
    return Q(*(Q(**{f"{prefix}actions__{i}": Action.OUTPUT_REMOVED})
               for i in range(len(Action.values))), _connector=Q.OR)


def upheld_removals(*, since: datetime) -> QuerySet:
    """Decisions since `since` that removed outputs and were not reversed on appeal: a
    complaint upheld (or partly), or an appeal reversed into a removal."""
    reversed_on_appeal = Case.objects.filter(appeal_of=OuterRef("case_id"),
                                             decision__outcome=Outcome.REVERSED)
    return (Decision.objects.filter(_removed(), decided_at__gte=since,
                                    outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD,
                                                 Outcome.REVERSED])
            .exclude(Exists(reversed_on_appeal)))


class _CountDistinct(Func):
    # COUNT in a subquery without GROUP BY: one count per outer row.
    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def owners_standing(*, now: datetime | None = None) -> QuerySet:
    """Owners with `removals` (upheld removals of their outputs within the owner window,
    each decision counted once) and `strongest_rank` (1 warned, 2 suspended, 3 terminated:
    the strongest account action recorded within the window, 0 none): subqueries, whatever
    the number of owners.

    A removal counts for the owners of the outputs it removed: on the complaint, or on the
    complaint an appeal reversed into a removal; not for an output the filer retracted, nor
    for an owner whose counter-notice had their outputs restored (another owner named on
    the same complaint still counts it)."""
    policy = policy_settings_current()
    since = (now or timezone.now()) - timedelta(days=policy.owner_window_days)
    owner = OuterRef("pk")
    owned = (Q(case__locations__owner=owner, case__locations__retraction__isnull=True)
             | Q(case__appeal_of__locations__owner=owner,
                 case__appeal_of__locations__retraction__isnull=True))
    restored_for_owner = CounterNotice.objects.filter(
        Q(complaint_id=OuterRef("case_id")) | Q(complaint_id=OuterRef("case__appeal_of_id")),
        case__output_owner_id=OuterRef(owner), state=CounterNotice.State.RESTORED)
    removals = (upheld_removals(since=since).filter(owned)
                .exclude(Exists(restored_for_owner)).order_by()
                .annotate(n=_CountDistinct("pk")).values("n")[:1])
    taken = OwnerAccountAction.objects.filter(owner=owner, taken_at__gte=since)
    rank_subqueries = {
        f"rank_{rank}": Exists(taken.filter(action=action))
        for action, rank in _LADDER_RANK.items()}
    return (OwnerStanding.objects.annotate(
        removals=Coalesce(Subquery(removals, output_field=IntegerField()), 0),
        **rank_subqueries))


def owner_strongest_action(owner) -> str | None:
    """The strongest action on the ladder an annotated owner row shows (None: none)."""
    for action, rank in sorted(_LADDER_RANK.items(), key=lambda item: -item[1]):
        if getattr(owner, f"rank_{rank}", False):
            return action
    return None


def owner_recommended(owner, policy: PolicySettings) -> str | None:
    """The account action recommended for an annotated owner row (None: not flagged)."""
    return owner_recommendation(removals=owner.removals, threshold=policy.owner_threshold,
                                strongest_taken=owner_strongest_action(owner))


def owners_flagged(*, owner_ids: list[int]) -> list:
    """Which of these owners reach the owner threshold, each with `removals` and
    `recommended` (for a case page's banner)."""
    if not owner_ids:
        return []
    policy = policy_settings_current()
    owners = list(owners_standing().filter(pk__in=owner_ids,
                                           removals__gte=policy.owner_threshold))
    for owner in owners:
        owner.recommended = OwnerAction(owner_recommended(owner, policy))
    return owners


def unfounded_notices(*, user, since: datetime) -> QuerySet:
    """The filer's cases rejected as manifestly unfounded since `since`, not reversed on
    appeal, oldest first."""
    reversed_on_appeal = Case.objects.filter(appeal_of=OuterRef("pk"),
                                             decision__outcome=Outcome.REVERSED)
    return (Case.objects.filter(
        filer=user, decision__rejection_reason=RejectionReason.MANIFESTLY_UNFOUNDED,
        decision__decided_at__gte=since)
        .exclude(Exists(reversed_on_appeal)).order_by("decision__decided_at", "pk"))


def suspension_in_force(*, user, now: datetime | None = None) -> FilerSuspension | None:
    """The filer's suspension in force now, if any (the one ending last)."""
    now = now or timezone.now()
    return (FilerSuspension.objects.filter(user=user, lifted_at__isnull=True,
                                           starts_at__lte=now, ends_at__gt=now)
            .order_by("-ends_at").first())
