"""Writes of the accounts app: sign-up, verification, preferences, roles, organisations."""
import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from accounts.backends import permissions_forget
from accounts.models import (
    ApiToken,
    Language,
    Membership,
    Organisation,
    OrganisationInvitation,
    Role,
    User,
    invitation_token_new,
)
from complaints.services.outbox import Recipient, notify

# What each staff role may do in the admin. Audit events and notifications are
# view-only for everyone: they are records, not working data.
ROLE_PERMISSIONS = {
    Role.OPERATOR: [
        "complaints.view_case", "complaints.change_case",
        "complaints.view_work", "complaints.view_outputlocation", "complaints.view_evidence",
        "complaints.view_message", "complaints.add_message",
        "complaints.view_decision", "complaints.add_decision",
        "complaints.view_question", "complaints.view_deadline",
        "complaints.view_caseevent", "complaints.view_notification",
        "accounts.view_user", "accounts.view_organisation",
        "accounts.view_organisationinvitation",
    ],
}
ROLE_PERMISSIONS[Role.OPERATOR] += [
    "complaints.view_deadlinepolicy", "complaints.view_businesscalendar",
    "complaints.view_calendarclosure",
    # The training-use register: entries are confirmed, applied and added by operators.
    "complaints.view_registerentry", "complaints.change_registerentry",
    "complaints.add_registerentry",
    # What a decision did that a retraction takes back: marked undone by operators.
    "complaints.view_retractionundo", "complaints.change_retractionundo",
    # Statements of reasons to the DSA Transparency Database: a record, view-only.
    "complaints.view_dsastatementsubmission",
    # Orders to the AI product: read on the desk, acknowledged by the product itself.
    "complaints.view_enforcementorder",
]
ROLE_PERMISSIONS[Role.OPERATOR] += [
    # The repeat-infringer and misuse policies: operators read them and record what the
    # product did to an owner's account; supervisors set the thresholds and lift
    # suspensions.
    "complaints.view_policysettings", "complaints.view_ownerstanding",
    "complaints.view_owneraccountaction", "complaints.add_owneraccountaction",
    "complaints.view_filersuspension",
]
ROLE_PERMISSIONS[Role.SUPERVISOR] = ROLE_PERMISSIONS[Role.OPERATOR] + [
    "complaints.change_policysettings", "complaints.change_filersuspension",
    *(f"complaints.{action}_{model}" for action in ("add", "change", "delete")
      for model in ("deadlinepolicy", "businesscalendar", "calendarclosure")),
    "accounts.change_user", "accounts.add_organisation", "accounts.change_organisation",
]
ROLE_PERMISSIONS[Role.PRODUCT] = ["complaints.act_for_product"]


ROLE_SET_FORBIDDEN = gettext_lazy("Only a superuser may change a person's role.")


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "kotae.accounts.email_verification"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def roles_ensure() -> None:
    """Create the operator, supervisor and product groups with their permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        perms = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def user_role_set(*, user: User, role: str, actor: User | None = None) -> User:
    """Make `user` a creator, an operator, a supervisor or the AI product's account. Only
    a superuser gives a role (`actor` is None for commands run by whoever holds the server)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(ROLE_SET_FORBIDDEN)
    groups = {g.name: g for g in Group.objects.filter(
        name__in=[Role.OPERATOR, Role.SUPERVISOR, Role.PRODUCT])}
    user.groups.remove(*groups.values())
    user.is_staff = role in (Role.OPERATOR, Role.SUPERVISOR)
    if role != Role.CREATOR:
        user.groups.add(groups[role])
    user.save(update_fields=["is_staff"])
    permissions_forget(user)  # what was read of the old role
    return user


@transaction.atomic
def user_signup(
    *, email: str, password: str, display_name: str, language: str = Language.ENGLISH,
    time_zone: str = "Asia/Tokyo", next_path: str = "",
) -> User:
    """Create an inactive creator account and e-mail a verification link.

    `next_path` (a path on this site, e.g. an invitation) is where the link leads after
    the address is confirmed.
    """
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, language=language,
        time_zone=time_zone, is_active=False,
    )
    user_verification_send(user=user, next_path=next_path)
    return user


def user_verification_send(*, user: User, next_path: str = "") -> None:
    token = email_verification_token.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse("accounts:verify", args=[uid, token])
    if next_path.startswith("/") and not next_path.startswith("//"):
        link += "?" + urlencode({"next": next_path})
    # At most one link an hour, however often an unverified user tries to log in.
    hour = timezone.now().strftime("%Y%m%d%H")
    notify(key=f"user:{user.pk}:verify:{hour}", template="account_verify", recipient=user,
           refs={"user_id": user.pk, "link": link})


def user_password_reset_send(*, user: User, uid: str, token: str) -> None:
    """E-mail a link to choose a new password (Django's reset view checks the token)."""
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    notify(key=f"user:{user.pk}:password_reset:{token}", template="account_password_reset",
           recipient=user, refs={"user_id": user.pk, "link": link})


def user_verify_email(*, user: User, token: str) -> bool:
    if not email_verification_token.check_token(user, token):
        return False
    user.is_active = True
    user.email_verified = True
    user.save(update_fields=["is_active", "email_verified"])
    return True


def user_preferences_update(*, user: User, language: str | None = None,
                            time_zone: str | None = None, display_name: str | None = None) -> User:
    fields = []
    if language and language in Language.values and language != user.language:
        user.language = language
        fields.append("language")
    if time_zone and time_zone != user.time_zone:
        user.time_zone = time_zone
        fields.append("time_zone")
    if display_name and display_name != user.display_name:
        user.display_name = display_name
        fields.append("display_name")
    if fields:
        user.save(update_fields=fields)
    return user


ERROR_NOT_ADMIN = gettext_lazy("Only an administrator of the organisation can do this.")
ERROR_ALREADY_MEMBER = gettext_lazy("%(email)s is already a member of this organisation.")
ERROR_NOT_MEMBER = gettext_lazy("This person is not a member of the organisation.")
ERROR_INVITATION_USED = gettext_lazy("This invitation has already been accepted.")
ERROR_INVITATION_EXPIRED = gettext_lazy(
    "This invitation has expired. Ask an administrator of the organisation to invite you again."
)
ERROR_INVITATION_OTHER_ACCOUNT = gettext_lazy(
    "This invitation was sent to %(email)s. Log in with that address to accept it."
)
ERROR_LAST_ADMIN = gettext_lazy(
    "You are the last administrator of this organisation. Make someone else an "
    "administrator first, then leave."
)

# A repeat invitation to the same address within this time sends no second e-mail.
INVITATION_RESEND_AFTER = timedelta(days=1)


def _is_admin(*, organisation: Organisation, user: User) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.ADMIN
    ).exists()


@transaction.atomic
def organisation_create(*, name: str, admin: User, name_ja: str = "") -> Organisation:
    organisation = Organisation.objects.create(name=name, name_ja=name_ja)
    Membership.objects.create(organisation=organisation, user=admin,
                              role=Membership.Role.ADMIN)
    return organisation


def organisation_member_add(*, organisation: Organisation, user: User) -> None:
    Membership.objects.get_or_create(organisation=organisation, user=user)


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, invited_by: User, email: str
) -> OrganisationInvitation:
    """Invite an address to the organisation and e-mail it an accept link.

    Only an administrator may invite. Inviting the same address again within a day
    returns the pending invitation and sends nothing; later, the same link is sent again.
    """
    email = email.strip().lower()
    validate_email(email)
    if not _is_admin(organisation=organisation, user=invited_by):
        raise ValidationError(ERROR_NOT_ADMIN, code="not_admin")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(ERROR_ALREADY_MEMBER % {"email": email}, code="already_member")

    now = timezone.now()
    pending = OrganisationInvitation.objects.select_for_update().filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    )
    invitation = pending.first()
    if invitation is None:
        try:
            with transaction.atomic():
                invitation = OrganisationInvitation.objects.create(
                    organisation=organisation, email=email, invited_by=invited_by,
                    created_at=now, sent_at=now,
                )
        except IntegrityError:
            # The same address was invited at the same moment; that invitation is sent.
            return pending.get()
    elif now - invitation.sent_at < INVITATION_RESEND_AFTER:
        return invitation
    else:
        if now >= invitation.expires_at():
            invitation.token = invitation_token_new()  # an expired link stays dead
        invitation.sent_at = now
        invitation.invited_by = invited_by
        invitation.save(update_fields=["sent_at", "invited_by", "token"])
    organisation_invitation_send(invitation=invitation)
    return invitation


def organisation_invitation_send(*, invitation: OrganisationInvitation) -> None:
    """Queue the invitation e-mail, once per sending (the key holds the time it was sent)."""
    # In the invitee's language if they have an account, else in the inviter's.
    recipient = User.objects.filter(email__iexact=invitation.email).first()
    speaker = recipient or invitation.invited_by
    inviter = invitation.invited_by
    notify(
        key=f"organisation_invitation:{invitation.pk}:{invitation.sent_at:%Y%m%dT%H%M%S.%f}",
        template="organisation_invitation",
        recipient=Recipient(
            email=invitation.email,
            language=speaker.language if speaker else settings.LANGUAGE_CODE[:2],
            time_zone=speaker.time_zone if speaker else "Asia/Tokyo"),
        refs={
            "invitation_id": invitation.pk,
            "organisation_id": invitation.organisation_id,
            "inviter_name": inviter.get_full_name() if inviter else "",
            "link": settings.SITE_URL
            + reverse("accounts:invitation_accept", args=[invitation.token]),
        },
    )


@transaction.atomic
def organisation_invitation_accept(
    *, invitation: OrganisationInvitation, user: User
) -> Membership:
    """Make the invited user a member; the invitation then cannot be used again."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(ERROR_INVITATION_USED, code="used")
    if timezone.now() >= invitation.expires_at():
        raise ValidationError(ERROR_INVITATION_EXPIRED, code="expired")
    if not invitation.is_for(user):
        raise ValidationError(ERROR_INVITATION_OTHER_ACCOUNT % {"email": invitation.email},
                              code="other_account")
    # Someone who became a member meanwhile keeps the role they have.
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user,
        defaults={"role": Membership.Role.MEMBER},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def organisation_leave(*, organisation: Organisation, user: User) -> None:
    """End the user's membership. The last administrator stays while others remain."""
    # Lock the memberships so that two administrators cannot both leave at once.
    memberships = list(
        Membership.objects.select_for_update().filter(organisation=organisation)
    )
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None:
        raise ValidationError(ERROR_NOT_MEMBER, code="not_member")
    others = [m for m in memberships if m.pk != mine.pk]
    if mine.is_admin and others and not any(m.is_admin for m in others):
        raise ValidationError(ERROR_LAST_ADMIN, code="last_admin")
    mine.delete()
    if not others:
        # Nobody is left to welcome an invitee, so pending invitations lapse.
        organisation.invitations.filter(accepted_at__isnull=True).delete()


@transaction.atomic
def membership_promote(
    *, organisation: Organisation, promoted_by: User, user_id: int
) -> Membership:
    """Make a member an administrator (so that the last administrator can hand over)."""
    if not _is_admin(organisation=organisation, user=promoted_by):
        raise ValidationError(ERROR_NOT_ADMIN, code="not_admin")
    membership = (
        Membership.objects.select_for_update()
        .filter(organisation=organisation, user_id=user_id)
        .first()
    )
    if membership is None:
        raise ValidationError(ERROR_NOT_MEMBER, code="not_member")
    if not membership.is_admin:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    return membership


logger = logging.getLogger(__name__)


# --- API tokens ---------------------------------------------------------------
API_TOKEN_PREFIX = "kotae_"  # noqa: S105 (a marker, not a secret)


def api_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the row and the token itself, which is not kept
    anywhere: show it once."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name.strip()[:100] or "API",
                                  prefix=token[:len(API_TOKEN_PREFIX) + 6],
                                  key_hash=api_token_hash(token))
    return row, token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    api_tokens_forget(key_hashes=[token.key_hash])
    return token


LAST_USED_PRECISION = timedelta(minutes=1)


# A token found is kept in the cache (shared by every process when Redis is set) for a
# minute, so a request costs no database query for it. Revoking a token, or saving or
# deleting its user, forgets it at once (`api_tokens_forget`, and signals in apps.py);
# only an update that skips save() (QuerySet.update) waits out the minute.
API_TOKEN_CACHE_SECONDS = 60


def _token_cache_key(key_hash: str) -> str:
    return f"apitoken:{key_hash}"


def _cache_call(method, *args):
    """The cache's answer, or None if it cannot be reached: the database decides then."""
    try:
        return method(*args)
    except Exception as exc:  # a cache outage must not turn into a 500
        logger.warning("Token cache unavailable: %s", exc)
        return None


def api_token_authenticate(*, token: str, cached_only: bool = False) -> ApiToken | None:
    """The active token with this value (and its user), its last use noted (at most
    once a minute). `cached_only`: only a token found in the cache (used in the last
    minute), without asking the database (for a client sending many wrong tokens)."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    key = _token_cache_key(api_token_hash(token))
    row = _cache_call(cache.get, key)
    if row is None and cached_only:
        return None
    if row is None:
        row = (ApiToken.objects.select_related("user")
               .filter(key_hash=api_token_hash(token), revoked_at__isnull=True,
                       user__is_active=True).first())
        if row is None:
            return None
        _cache_call(cache.set, key, row, API_TOKEN_CACHE_SECONDS)
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        _cache_call(cache.set, key, row, API_TOKEN_CACHE_SECONDS)
    return row


def api_tokens_forget(*, key_hashes) -> None:
    """Drop tokens from the authentication cache (revoked, or their user changed)."""
    keys = [_token_cache_key(h) for h in key_hashes]
    if keys:
        _cache_call(cache.delete_many, keys)
