"""Reads of the accounts app for the portal. Each owns its joins."""
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import (
    INVITATION_VALID_FOR,
    Membership,
    Organisation,
    OrganisationInvitation,
    User,
)


def memberships_for_portal(*, user: User) -> QuerySet[Membership]:
    """The user's memberships, with each organisation and its number of members."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .annotate(member_count=Count("organisation__memberships"))
        .order_by("organisation__name", "organisation_id")
    )


def membership_get_for_portal(*, user: User, organisation_id: int) -> Membership:
    """The user's membership of the organisation; 404 for anyone who is not a member,
    whether or not the organisation exists."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Membership.objects.select_related("organisation"),
        user=user, organisation_id=organisation_id,
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    # "admin" sorts before "member": administrators first.
    return (
        organisation.memberships.select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )


def organisation_invitations_pending(*, organisation: Organisation) -> QuerySet[
    OrganisationInvitation
]:
    return (
        organisation.invitations.filter(accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-sent_at", "-pk")
    )


def invitation_get_pending(*, token: str) -> OrganisationInvitation:
    """A pending invitation by its token; 404 if the token is unknown, used or expired."""
    return get_object_or_404(
        OrganisationInvitation.objects.select_related("organisation", "invited_by"),
        token=token, accepted_at__isnull=True,
        sent_at__gt=timezone.now() - INVITATION_VALID_FOR,
    )
