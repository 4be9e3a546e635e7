"""The training-use register: what the company may not use (reservations, from training
objections) and what it was allowed to use (permissions), with identifiers a data
pipeline can check and a status the filer can follow.

Every write goes through complaints.services.register."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.domain.text import quoted
from complaints.models.cases import TrainingUse


class RegisterEntry(models.Model):
    class Kind(models.TextChoices):
        RESERVATION = "reservation", _("Reservation (do not use)")
        PERMISSION = "permission", _("Permission granted")

    class Scope(models.TextChoices):
        WORK = "work", _("One work")
        CATALOGUE = "catalogue", _("The whole catalogue")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONFIRMED = "confirmed", _("Confirmed")
        APPLIED = "applied", _("Applied")
        NOT_POSSIBLE = "not_possible", _("Not possible")
        # The objection behind it ended without a decision (withdrawn by its filer, or
        # rejected): the entry no longer binds the data pipeline.
        CLOSED = "closed", _("No longer in force")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.RESERVATION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED, db_index=True)
    # A register entry is a record the company relies on: its case cannot disappear.
    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="register_entries",
                             verbose_name=_("case"))
    work = models.ForeignKey("complaints.Work", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="register_entries",
                             verbose_name=_("work"))
    rights_holder = models.CharField(_("rights holder"), max_length=200)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices,
                             default=Scope.WORK)
    title = models.CharField(_("title of the work"), max_length=300, blank=True)
    titles = models.JSONField(_("titles"), default=list, blank=True)
    urls = models.JSONField(_("URLs"), default=list, blank=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    image_hashes = models.JSONField(_("image hashes (pHash)"), default=list, blank=True)
    uses = models.JSONField(_("uses covered"), default=list)
    snapshot = models.CharField(_("dataset snapshot"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True,
                              help_text=_("Why it is not possible, or no longer in force."))

    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # Set by every service that changes the entry: the export's `updated_since` reads it.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))

    class Meta:
        verbose_name = _("training-use register entry")
        verbose_name_plural = _("training-use register entries")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="register_updated_idx"),
        ]

    def __str__(self):
        return pgettext("a register entry", "Entry No. %(number)s %(subject)s") % {
            "number": self.pk, "subject": quoted(self.subject)}

    @property
    def subject(self) -> str:
        """What the entry covers, as a person would name it."""
        if self.scope == self.Scope.CATALOGUE:
            return str(_("The whole catalogue of %(holder)s") % {"holder": self.rights_holder})
        return self.title

    @property
    def use_labels(self) -> list[str]:
        return [str(TrainingUse(u).label) for u in self.uses if u in TrainingUse.values]
