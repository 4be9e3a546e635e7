"""The repeat-infringer policy (DMCA 512(i)) and the misuse policy (DSA Art. 23): the
thresholds supervisors set, what the desk recorded the product did to an owner's account,
and the warnings and suspensions of filers who send manifestly unfounded notices.
The rules: complaints.domain.policies; the writes: complaints.services.policies."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.policies import OwnerAction
from complaints.models.events import AppendOnlyError
from complaints.models.owners import OutputOwner


class PolicySettings(models.Model):
    """One row (pk 1): the policies' windows and thresholds."""

    owner_window_days = models.PositiveIntegerField(
        _("owner window (days)"), default=365, validators=[MinValueValidator(1)],
        help_text=_("Upheld removals of an owner's outputs are counted over this many days."))
    owner_threshold = models.PositiveIntegerField(
        _("owner threshold"), default=3, validators=[MinValueValidator(1)],
        help_text=_("Upheld removals within the window that flag the owner as a repeat "
                    "infringer."))
    filer_window_days = models.PositiveIntegerField(
        _("filer window (days)"), default=180, validators=[MinValueValidator(1)],
        help_text=_("Notices rejected as manifestly unfounded are counted over this many "
                    "days."))
    filer_warning_after = models.PositiveIntegerField(
        _("manifestly unfounded notices before a warning"), default=2,
        validators=[MinValueValidator(1)])
    filer_suspension_after = models.PositiveIntegerField(
        _("manifestly unfounded notices before a suspension (after a warning)"), default=3,
        validators=[MinValueValidator(1)])
    suspension_days = models.PositiveIntegerField(
        _("suspension length (days)"), default=90, validators=[MinValueValidator(1)])
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("policy settings")
        verbose_name_plural = _("policy settings")

    def __str__(self):
        return str(_("Repeat-infringer and misuse policies"))


class OwnerStanding(OutputOwner):
    """The desk's view of owners under the repeat-infringer policy (a list of its own, so
    the owners' own admin stays as it is)."""

    class Meta:
        proxy = True
        verbose_name = _("owner under the repeat-infringer policy")
        verbose_name_plural = _("repeat infringers")


class OwnerAccountAction(models.Model):
    """What the AI product did to an owner's account, as the desk recorded it. Append-only:
    a correction is a new row."""

    owner = models.ForeignKey(OutputOwner, on_delete=models.PROTECT,
                              related_name="account_actions", verbose_name=_("output owner"))
    action = models.CharField(_("action taken"), max_length=16, choices=OwnerAction.choices)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    removals_counted = models.PositiveIntegerField(_("upheld removals counted"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("owner account action")
        verbose_name_plural = _("owner account actions")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-taken_at"], name="owner_action_idx")]

    def __str__(self):
        return f"{self.owner}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("An owner account action is not changed: record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An owner account action is not deleted.")


class FilerWarning(models.Model):
    """A filer warned that further manifestly unfounded notices lead to a suspension."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="misuse_warnings", verbose_name=_("filer"))
    created_at = models.DateTimeField(_("warned at"), default=timezone.now, db_index=True)
    case_ids = models.JSONField(_("notices counted"), default=list)

    class Meta:
        verbose_name = _("filer warning")
        verbose_name_plural = _("filer warnings")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user}: {self.created_at:%Y-%m-%d}"


class FilerSuspension(models.Model):
    """Processing of a filer's notices suspended for a period (DSA Art. 23(2))."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="suspensions", verbose_name=_("filer"))
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now, db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    reasons = models.TextField(_("reasons"))
    case_ids = models.JSONField(_("notices counted"), default=list)
    # Empty: suspended automatically when the threshold was reached.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("lifted by"))
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("filer suspension")
        verbose_name_plural = _("filer suspensions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "-ends_at"], name="suspension_user_idx")]

    def __str__(self):
        return f"{self.user}: {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"

    def in_force(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and self.starts_at <= now < self.ends_at
