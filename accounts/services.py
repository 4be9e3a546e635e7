"""Writes of the accounts app: sign-up, verification, preferences, roles."""
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Language, Membership, Organisation, Role, User
from complaints.services.notifications import notification_queue

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
    ],
}
ROLE_PERMISSIONS[Role.SUPERVISOR] = ROLE_PERMISSIONS[Role.OPERATOR] + [
    "accounts.change_user", "accounts.add_organisation", "accounts.change_organisation",
]


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "kotae.accounts.email_verification"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def roles_ensure() -> None:
    """Create the operator and supervisor groups with their admin permissions."""
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


def user_role_set(*, user: User, role: str) -> User:
    groups = {g.name: g for g in Group.objects.filter(name__in=[Role.OPERATOR, Role.SUPERVISOR])}
    user.groups.remove(*groups.values())
    user.is_staff = role in (Role.OPERATOR, Role.SUPERVISOR)
    if user.is_staff:
        user.groups.add(groups[role])
    user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def user_signup(
    *, email: str, password: str, display_name: str, language: str = Language.ENGLISH,
    time_zone: str = "Asia/Tokyo",
) -> User:
    """Create an inactive creator account and e-mail a verification link."""
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, language=language,
        time_zone=time_zone, is_active=False,
    )
    user_verification_send(user=user)
    return user


def user_verification_send(*, user: User) -> None:
    token = email_verification_token.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse("accounts:verify", args=[uid, token])
    # At most one link an hour, however often an unverified user tries to log in.
    hour = timezone.now().strftime("%Y%m%d%H")
    notification_queue(
        key=f"user:{user.pk}:verify:{hour}",
        template="account_verify",
        recipient_email=user.email,
        language=user.language,
        time_zone=user.time_zone,
        context={"user": user, "link": link},
    )


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


def organisation_create(*, name: str, admin: User, name_ja: str = "") -> Organisation:
    organisation = Organisation.objects.create(name=name, name_ja=name_ja)
    Membership.objects.create(organisation=organisation, user=admin,
                              role=Membership.Role.ADMIN)
    return organisation


def organisation_member_add(*, organisation: Organisation, user: User) -> None:
    Membership.objects.get_or_create(organisation=organisation, user=user)
