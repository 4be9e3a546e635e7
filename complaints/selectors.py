"""Reads that more than one caller needs. Each owns its joins and prefetches."""
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from complaints.models import Case, CaseEvent, Evidence, Message


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases a portal user may see: their own and their organisations'."""
    if not user.is_authenticated:
        return Case.objects.none()
    org_ids = user.memberships.values("organisation_id")
    return Case.objects.filter(Q(filer=user) | Q(organisation_id__in=org_ids))


def case_list_for_portal(user) -> QuerySet[Case]:
    return (
        cases_visible_to(user)
        .select_related("organisation")
        .order_by("-last_activity_at", "-pk")
    )


def case_get_for_portal(user, reference: str) -> Case:
    """The case, with what its page shows; 404 for anyone who may not see it."""
    queryset = cases_visible_to(user).select_related("filer", "organisation", "decision",
                                                     "decision__decided_by", "appeal_of")
    queryset = queryset.prefetch_related(
        "works",
        "locations",
        "questions",
        "deadlines",
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
        Prefetch(
            "messages",
            queryset=Message.objects.filter(visibility=Message.Visibility.PUBLIC)
            .select_related("author")
            .prefetch_related("attachments"),
            to_attr="public_messages",
        ),
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(public=True).select_related("actor"),
            to_attr="public_events",
        ),
    )
    return get_object_or_404(queryset, reference=reference)


def evidence_get_for_user(user, reference: str, public_id) -> Evidence:
    """An evidence file for its case's filer, their organisation, or staff; else 404."""
    if user.is_authenticated and user.is_staff:
        cases = Case.objects.all()
    else:
        cases = cases_visible_to(user)
    return get_object_or_404(
        Evidence.objects.select_related("case"),
        case__in=cases.filter(reference=reference),
        public_id=public_id,
    )
