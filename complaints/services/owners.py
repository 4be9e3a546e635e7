"""Output owners: naming the owner of an output location, and the signed, expiring link
through which an owner reaches what concerns their output without a Kotae password."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse

from complaints.models import Case, OutputOwner

_SALT = "kotae.owner-link"


@dataclass(frozen=True)
class OwnerAccess:
    owner: OutputOwner
    case: Case


class OwnerLinkInvalid(Exception):
    """The link was altered, names rows that are gone, or names an owner the case does
    not concern."""


class OwnerLinkExpired(OwnerLinkInvalid):
    """The link was genuine but is older than KOTAE_OWNER_LINK_DAYS."""


def owner_link_token(*, owner: OutputOwner, case: Case) -> str:
    """A token naming this owner and this case (the complaint that names their output),
    signed with the site's secret and dated, for the owner's page."""
    return signing.dumps({"o": owner.pk, "c": case.pk}, salt=_SALT, compress=True)


def owner_link_path(*, owner: OutputOwner, case: Case) -> str:
    """The owner's page for this case, or "" while no face has mounted it."""
    try:
        return reverse("portal:owner_case", kwargs={"token": owner_link_token(owner=owner,
                                                                                case=case)})
    except NoReverseMatch:
        return ""


def owner_link_resolve(token: str) -> OwnerAccess:
    """The owner and case a token names, if it is genuine, not expired, and the case
    still names that owner on one of its output locations."""
    max_age = timedelta(days=settings.KOTAE_OWNER_LINK_DAYS)
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise OwnerLinkExpired from exc
    except signing.BadSignature as exc:
        raise OwnerLinkInvalid from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "oc"):
        raise OwnerLinkInvalid
    case = Case.objects.filter(pk=data["c"], locations__owner_id=data["o"]).first()
    owner = OutputOwner.objects.filter(pk=data["o"]).first()
    if case is None or owner is None:
        raise OwnerLinkInvalid
    return OwnerAccess(owner=owner, case=case)
