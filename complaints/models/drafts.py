"""Filings not sent yet: a draft kept across a login, and what each account staged a day."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# FilingDraft.path of a notice sent through the API a page at a time (no portal page has it).
API_DRAFT_PATH = "api:case_draft"


class FilingDraft(models.Model):
    """What was typed on a filing page, and its staged files, while no one was logged in.

    A session holds only `public_id` (random, never shown to the browser); at login the
    draft passes to the user, who finds the form filled in again. Purged after a day.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    path = models.CharField(_("page"), max_length=255)
    data = models.JSONField(_("what was typed"), default=dict)  # {field: [values]}
    text_bytes = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("filing draft")
        verbose_name_plural = _("filing drafts")

    def __str__(self):
        return self.path


class StagingDay(models.Model):
    """Files and bytes one account staged on one day, counted up and never down, so a
    filed case (whose staged rows become evidence) does not give the allowance back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField()
    files = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"],
                                               name="staging_day_once_per_user")]

    def __str__(self):
        return f"{self.day}: {self.files} files, {self.bytes} bytes"


class FilingDraftRow(models.Model):
    """A row of a notice a filing agent sends through the API a page at a time: the
    draft (a FilingDraft of the API, `owner` set) holds the rest of the notice in `data`;
    the rows wait here until the draft is filed as one case or expires
    (complaints.services.filing_drafts)."""

    class Part(models.TextChoices):
        LOCATIONS = "locations", _("output location")
        WORKS = "works", _("work")

    draft = models.ForeignKey(FilingDraft, on_delete=models.CASCADE, related_name="rows")
    part = models.CharField(max_length=10, choices=Part.choices)
    position = models.PositiveIntegerField()
    data = models.JSONField(default=dict)  # the row as the API received it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draft", "part", "position"],
                                               name="draft_row_once_per_position")]

    def __str__(self):
        return f"{self.part} {self.position}"
