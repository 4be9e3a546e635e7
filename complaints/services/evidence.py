"""Evidence files: kind decided from the content, size limited, stored under a random name
in the evidence store (an S3-compatible bucket or the local disk: config/storage.py)."""
import hashlib
import logging
from datetime import timedelta

import filetype
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.domain.events import EventType
from complaints.models import Case, Evidence, FilingDraft, Message, StagedUpload, StagingDay
from complaints.services.audit import event_record

logger = logging.getLogger(__name__)

# What the evidence store raises when it cannot be reached or refuses (botocore for a
# bucket, OSError for a disk); every call to a bucket is bounded (config/storage.py).
EVIDENCE_STORE_ERRORS = (BotoCoreError, ClientError, OSError)

ALLOWED_TYPES = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "application/pdf": "PDF",
    "video/mp4": "MP4",
    "video/webm": "WebM",
}


def evidence_check(*, upload: UploadedFile, already_used_bytes: int = 0) -> str:
    """Return the content type read from the file's bytes, or raise a clear error."""
    max_file = settings.KOTAE_MAX_UPLOAD_BYTES
    max_case = settings.KOTAE_MAX_CASE_UPLOAD_BYTES
    if upload.size > max_file:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size),
               "max": filesizeformat(max_file)},
            code="file_too_large",
        )
    if already_used_bytes + upload.size > max_case:
        raise ValidationError(
            _("The files of one case may add up to at most %(max)s; “%(name)s” would go over.")
            % {"name": upload.name, "max": filesizeformat(max_case)},
            code="case_too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an image (PNG, JPEG, WebP, GIF), a PDF or a video (MP4, WebM), "
              "judging by its content. Please upload one of those.")
            % {"name": upload.name},
            code="file_type",
        )
    return kind.mime


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _store(file, upload: UploadedFile) -> None:
    """Write the upload into the store; a store that is down is a clear, passing refusal
    (the filing or reply is not made, so the filer can send it again), never a 500."""
    try:
        file.save("upload", upload, save=False)
    except EVIDENCE_STORE_ERRORS as exc:
        logger.warning("The evidence store did not take %s: %r", upload.name, exc)
        raise ValidationError(
            _("“%(name)s” could not be stored just now, so nothing was sent. Please try "
              "again in a few minutes.") % {"name": upload.name},
            code="store_unavailable",
        ) from exc


def case_upload_bytes(*, case: Case) -> int:
    return case.evidence.aggregate(total=Sum("size"))["total"] or 0


def evidence_attach(
    *, case: Case, uploaded_by, upload: UploadedFile, message: Message | None = None
) -> Evidence:
    content_type = evidence_check(upload=upload, already_used_bytes=case_upload_bytes(case=case))
    evidence = Evidence(
        case=case,
        message=message,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=uploaded_by,
    )
    _store(evidence.file, upload)
    evidence.save()
    event_record(
        case=case, actor=uploaded_by, event_type=EventType.EVIDENCE_ADDED,
        new={"file": evidence.original_name, "sha256": evidence.sha256, "size": evidence.size},
    )
    return evidence


STAGED_KEEP = timedelta(days=1)


def staging_day_take(*, user, name: str, size: int) -> None:
    """Count one file (`name`, `size` bytes) against the user's staging allowance for today, or
    raise if it would go over (KOTAE_STAGED_FILES_PER_DAY, KOTAE_STAGED_BYTES_PER_DAY).
    One conditional UPDATE, so two requests at once cannot both take the last of it."""
    max_files = settings.KOTAE_STAGED_FILES_PER_DAY
    max_bytes = settings.KOTAE_STAGED_BYTES_PER_DAY
    day = timezone.localdate()
    StagingDay.objects.get_or_create(user=user, day=day)
    taken = StagingDay.objects.filter(
        user=user, day=day, files__lte=max_files - 1, bytes__lte=max_bytes - size,
    ).update(files=F("files") + 1, bytes=F("bytes") + size)
    if taken:
        return
    raise ValidationError(
        _("“%(name)s” was not kept: files kept for forms not yet sent may come to at most "
          "%(files)s files and %(max)s a day for each account, and today's are used up. "
          "Attach it again when you send the form.")
        % {"name": name, "files": max_files, "max": filesizeformat(max_bytes)},
        code="staging_per_day",
    )


def upload_stage(*, owner, upload: UploadedFile, already_used_bytes: int = 0,
                 draft: FilingDraft | None = None) -> StagedUpload:
    """Check and keep a file for a filing that is not complete yet. Every check reads the
    upload's size (known before anything is written) before the file is stored."""
    content_type = evidence_check(upload=upload, already_used_bytes=already_used_bytes)
    owner = owner if getattr(owner, "pk", None) else None
    with transaction.atomic():
        if owner is not None:
            staging_day_take(user=owner, name=upload.name, size=upload.size)
        staged = StagedUpload(
            owner=owner,
            draft=draft,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=_sha256(upload),
        )
        _store(staged.file, upload)
        staged.save()
    return staged


def evidence_from_staged(*, case: Case, staged: StagedUpload, uploaded_by,
                         message: Message | None = None) -> Evidence:
    """Turn a staged file into the case's evidence; the stored file stays where it is."""
    used = case_upload_bytes(case=case)
    if used + staged.size > settings.KOTAE_MAX_CASE_UPLOAD_BYTES:
        raise ValidationError(
            _("The files of one case may add up to at most %(max)s; “%(name)s” would go over.")
            % {"name": staged.original_name,
               "max": filesizeformat(settings.KOTAE_MAX_CASE_UPLOAD_BYTES)},
            code="case_too_large",
        )
    evidence = Evidence.objects.create(
        case=case, message=message, file=staged.file.name,
        original_name=staged.original_name, content_type=staged.content_type,
        size=staged.size, sha256=staged.sha256, uploaded_by=uploaded_by,
    )
    staged.delete()  # the row only; the file now belongs to the evidence
    event_record(
        case=case, actor=uploaded_by, event_type=EventType.EVIDENCE_ADDED,
        new={"file": evidence.original_name, "sha256": evidence.sha256, "size": evidence.size},
    )
    return evidence


def staged_uploads_purge(*, older_than: timedelta = STAGED_KEEP) -> int:
    """Delete files whose filing never went through, drafts past their expiry (with their
    files), and staging allowances of days gone by. Returns the number of files deleted."""
    now = timezone.now()
    old = StagedUpload.objects.filter(
        Q(created_at__lt=now - older_than) | Q(draft__expires_at__lt=now))
    count = 0
    for staged in old.iterator():
        staged.file.delete(save=False)
        staged.delete()
        count += 1
    FilingDraft.objects.filter(expires_at__lt=now).delete()
    StagingDay.objects.filter(day__lt=timezone.localdate() - timedelta(days=1)).delete()
    return count
