"""Reads of the repeat-infringer and misuse policies that the desk, the services and the
transparency figures share."""
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.domain.decisions import Action, Outcome, RejectionReason
from complaints.domain.events import EventType
from complaints.domain.policies import OwnerAction, owner_recommendation
from complaints.models import Case, CaseEvent, Decision
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
    """Decisions since `since` that removed an output and still stand: not reversed on
    appeal, the output not restored after a counter-notice (an OUTPUT_RESTORED event on the
    complaint), the notice not retracted wholly."""
    reversed_on_appeal = Case.objects.filter(appeal_of=OuterRef("case_id"),
                                             decision__outcome=Outcome.REVERSED)
    restored = CaseEvent.objects.filter(case=OuterRef("case_id"),
                                        event_type=EventType.OUTPUT_RESTORED)
    return (Decision.objects.filter(_removed(), decided_at__gte=since,
                                    outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD,
                                                 Outcome.REVERSED])
            .exclude(Exists(reversed_on_appeal)).exclude(Exists(restored)))


def owners_standing(*, now: datetime | None = None) -> QuerySet:
    """Owners with `removals` (upheld removals of their outputs within the owner window,
    each decision counted once) and `strongest_rank` (1 warned, 2 suspended, 3 terminated:
    the strongest account action recorded within the window, 0 none): two subqueries,
    whatever the number of owners."""
    policy = policy_settings_current()
    since = (now or timezone.now()) - timedelta(days=policy.owner_window_days)
    removals = (upheld_removals(since=since)
                .filter(case__locations__owner=OuterRef("pk"),
                        case__locations__retraction__isnull=True)
                .order_by().values("case__locations__owner")
                .annotate(n=Count("pk", distinct=True)).values("n"))
    taken = OwnerAccountAction.objects.filter(owner=OuterRef("pk"), taken_at__gte=since)
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
