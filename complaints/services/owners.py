"""Output owners: naming the owner of an output location, and the signed, expiring link
through which an owner reaches what concerns their output without a Kotae password."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

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


ERROR_OWNER_WITHOUT_EMAIL = gettext_lazy(
    "We have no e-mail address for you, so we could not send you what we receive. Ask the "
    "AI product to add your address, then open the link again.")
ERROR_OWNER_IS_STAFF = gettext_lazy(
    "This address belongs to a desk account, which cannot file as an output's owner.")


def owner_filer_user(*, owner: OutputOwner, language: str):
    """The account an owner's counter-notice or appeal is filed under, so that its receipt,
    replies and decision reach them as any filer's do: their existing account when the
    product's e-mail address has one, else a new account without a usable password (they
    keep reaching their cases through their link, or set a password by resetting it).
    Staff accounts are never used for an owner's filing."""
    from django.contrib.auth import get_user_model

    if not owner.email:
        raise ValidationError(ERROR_OWNER_WITHOUT_EMAIL)
    users = get_user_model().objects
    email = users.normalize_email(owner.email).lower()
    user = users.filter(email__iexact=email).first()
    if user is None:
        user = users.create_user(email=email, password=None,
                                 display_name=owner.handle or email.split("@")[0],
                                 language=language, email_verified=True)
    elif user.is_staff:
        raise ValidationError(ERROR_OWNER_IS_STAFF)
    return user
