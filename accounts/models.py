import functools
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.time_zones import available_time_zones


@functools.cache
def _time_zone_choices() -> tuple:
    return tuple((name, name) for name in sorted(available_time_zones()))


class Language(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    ENGLISH = "en", _("English")


class Role(models.TextChoices):
    """A person's role. Operators and supervisors are staff; the group names match."""

    CREATOR = "creator", _("Creator")
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    # The AI product's own account, not a person's: it names output owners and acknowledges
    # the desk's enforcement orders through the API. Not staff.
    PRODUCT = "product", _("AI product integration")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: creators, filing agents, operators, supervisors."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=_time_zone_choices, default="Asia/Tokyo"
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Operators and supervisors are staff and may use the admin desk."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.display_name} <{self.email}>" if self.display_name else self.email

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email

    def group_names(self) -> set[str]:
        """The names of the user's groups, read with their permissions (both are wanted on
        every desk page: accounts.backends.UserBackend reads them in one query)."""
        if getattr(self, "_group_names", None) is None and self.is_active:
            self.get_all_permissions()
        names = getattr(self, "_group_names", None)
        return names if names is not None else {g.name for g in self.groups.all()}

    @property
    def role(self) -> str:
        if self.is_staff and self.is_superuser:
            return Role.SUPERVISOR
        names = self.group_names()
        if not self.is_staff:
            return Role.PRODUCT if Role.PRODUCT in names else Role.CREATOR
        if self.is_superuser or Role.SUPERVISOR in names:
            return Role.SUPERVISOR
        return Role.OPERATOR


class Organisation(models.Model):
    """A rights holder (studio, publisher) or a filing agent with several members."""

    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def invitation_token_new() -> str:
    return secrets.token_urlsafe(32)


# An invitation's link stops working this long after it was sent (OWASP ASVS 2.5/3.7).
INVITATION_VALID_FOR = timedelta(days=7)


class OrganisationInvitation(models.Model):
    """An e-mailed invitation to join an organisation; its token is the accept link.

    At most one invitation per organisation and address is pending at a time.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("invited by"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=invitation_token_new, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the e-mail last went out: a repeat invitation within a day sends nothing.
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation invitation")
        verbose_name_plural = _("organisation invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], condition=models.Q(accepted_at__isnull=True),
                name="invitation_pending_unique",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def expires_at(self):
        """The link holds for a week from the latest e-mail that carried it."""
        return self.sent_at + INVITATION_VALID_FOR

    def is_for(self, user) -> bool:
        """Whether the user's account has the address this invitation was sent to."""
        return self.email.casefold() == user.email.casefold()


class ApiToken(models.Model):
    """A personal token for the REST API. Only its SHA-256 is stored: the token itself is
    shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Session(AbstractBaseSession):
    """A browser's session (Django's database sessions: SESSION_ENGINE "accounts.sessions")
    with the user signed in, in its own column: every request reads both in one statement.
    No database constraint: a session saved just after its user was deleted names no one
    (it reads as signed out) rather than failing the request; deleting a user deletes
    their sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, db_constraint=False,
                             related_name="+", verbose_name=_("user"))

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        # Never the key (Django's own __str__): it is the cookie that signs someone in,
        # and the admin lists a user's sessions before deleting them.
        return _("Session until %(end)s") % {
            "end": formats.date_format(timezone.localtime(self.expire_date), "DATETIME_FORMAT")}

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
