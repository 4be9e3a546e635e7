"""Files a filer or the desk attached to a case, and files kept while a form is unfinished."""
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.cases import Case


def _random_key() -> str:
    # A random name of its own, not the public id that URLs and the API show, so a key
    # cannot be worked out from anything a filer sees (the bucket is private as well).
    # The filer's file name is kept only as data, never as a path.
    key = secrets.token_hex(16)
    return f"evidence/{key[:2]}/{key}"


def evidence_upload_to(instance, filename):
    return _random_key()


class Evidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def staged_upload_to(instance, filename):
    return _random_key()


class StagedUpload(models.Model):
    """A file checked and stored while its form is not yet complete.

    It becomes Evidence when the filing goes through, so a form with an error, a
    row added without JavaScript, or a login in the middle loses no file.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    draft = models.ForeignKey(
        "FilingDraft", on_delete=models.SET_NULL, null=True, blank=True, related_name="files",
    )
    file = models.FileField(upload_to=staged_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("file waiting for its filing")
        verbose_name_plural = _("files waiting for their filing")

    def __str__(self):
        return self.original_name
