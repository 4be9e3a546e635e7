"""Drafts of a filing kept across a login, for a visitor whose session ended while typing.

Only a small draft is kept for someone not logged in (KOTAE_ANONYMOUS_DRAFT_* settings),
and all such drafts together are bounded per day, so no one without an account can fill
the disk; a file's size is checked before it is written. The session holds only the
draft's random id; at login the draft passes to the user.
"""
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, Sum
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.domain.text import in_a_row
from complaints.models import FilingDraft, StagedUpload
from complaints.services.evidence import STAGED_KEEP, upload_stage

PATH_MAX = FilingDraft._meta.get_field("path").max_length


@dataclass
class DraftKept:
    """What an anonymous post left in its draft, and what it did not, with reasons."""

    draft: FilingDraft | None
    text_kept: bool
    text_refusal: str = ""
    kept: list[str] = field(default_factory=list)  # file names
    refused: list[str] = field(default_factory=list)  # one sentence a file


def _text_size(data: dict) -> int:
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _clean(text: str) -> str:
    """PostgreSQL's JSON cannot hold a NUL character; no one types one."""
    return text.replace("\x00", "")


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def anonymous_drafts_bytes() -> int:
    """Text and files kept in drafts over the last 24 hours."""
    since = timezone.now() - timedelta(days=1)
    text = FilingDraft.objects.filter(created_at__gte=since).aggregate(
        total=Sum("text_bytes"))["total"] or 0
    files = StagedUpload.objects.filter(draft__isnull=False, created_at__gte=since).aggregate(
        total=Sum("size"))["total"] or 0
    return text + files


def _draft_drop(draft: FilingDraft) -> None:
    for staged in draft.files.filter(owner__isnull=True):
        staged.file.delete(save=False)
        staged.delete()
    draft.delete()


def _text_refusal(size: int, budget: int) -> str:
    most = settings.KOTAE_ANONYMOUS_DRAFT_TEXT_BYTES
    if size > most:
        return _("What you typed was not kept: it comes to %(size)s, and a form sent before "
                 "you log in may hold at most %(max)s.") % {
            "size": filesizeformat(size), "max": filesizeformat(most)}
    if size > budget:
        return _("What you typed was not kept: we keep only so much for visitors who are not "
                 "logged in, and today's room is used up.")
    return ""


def _file_refusal(upload: UploadedFile, *, count: int, used: int, budget: int) -> str:
    name = truncatechars(upload.name, 80)
    if count + 1 > settings.KOTAE_ANONYMOUS_DRAFT_FILES:
        return _("“%(name)s” was not kept: a form sent before you log in may keep at most "
                 "%(count)s files.") % {"name": name,
                                        "count": settings.KOTAE_ANONYMOUS_DRAFT_FILES}
    if used + upload.size > settings.KOTAE_ANONYMOUS_DRAFT_BYTES:
        return _("“%(name)s” was not kept: a form sent before you log in may keep at most "
                 "%(max)s of files in all.") % {
            "name": name, "max": filesizeformat(settings.KOTAE_ANONYMOUS_DRAFT_BYTES)}
    if upload.size > budget:
        return _("“%(name)s” was not kept: we keep only so much for visitors who are not "
                 "logged in, and today's room is used up.") % {"name": name}
    return ""


def draft_keep_anonymous(*, public_id: str | None, path: str, data: dict[str, list[str]],
                         uploads: list[UploadedFile]) -> DraftKept:
    """Keep what a visitor not logged in posted to a filing page, within the caps.

    `public_id` is the draft this session already has (if any); text replaces its text,
    files are added to its files. Sizes are read from the uploads before any is written.
    """
    if len(path) > PATH_MAX or "\x00" in path:  # no filing page has such a path
        return DraftKept(draft=None, text_kept=False)
    data = {_clean(key): [_clean(value) for value in values] for key, values in data.items()}
    now = timezone.now()
    with transaction.atomic():
        draft = None
        if (wanted := _uuid(public_id)) is not None:
            draft = FilingDraft.objects.select_for_update().filter(
                public_id=wanted, owner__isnull=True, expires_at__gt=now).first()
        if draft is not None and draft.path != path:
            _draft_drop(draft)
            draft = None
        budget = settings.KOTAE_ANONYMOUS_DRAFTS_BYTES_PER_DAY - anonymous_drafts_bytes()
        if draft is None:
            draft = FilingDraft(path=path, expires_at=now + STAGED_KEEP)
        else:
            budget += draft.text_bytes
        size = _text_size(data)
        refusal = _text_refusal(size, budget)
        draft.data, draft.text_bytes = ({}, 0) if refusal else (data, size)
        draft.save()
        budget -= draft.text_bytes
        result = DraftKept(draft=draft, text_kept=not refusal, text_refusal=refusal)
        held = list(draft.files.all())
        count, used = len(held), sum(s.size for s in held)
        for upload in uploads:
            reason = _file_refusal(upload, count=count, used=used, budget=budget)
            if not reason:
                try:
                    upload_stage(owner=None, upload=upload, already_used_bytes=used,
                                 draft=draft)
                except ValidationError as exc:
                    reason = in_a_row(exc.messages)
                else:
                    count, used, budget = count + 1, used + upload.size, budget - upload.size
                    result.kept.append(upload.name)
            if reason:
                result.refused.append(reason)
        if not draft.text_bytes and not count:
            draft.delete()
            result.draft = None
    return result


def draft_resume(*, public_id: str | None, user, path: str) -> FilingDraft | None:
    """The draft of this session for this page, now the user's (and its files too).

    Only a draft with no owner yet, or this user's, is found: the id comes from the
    session, and a draft another user claimed is never given to anyone else."""
    wanted = _uuid(public_id)
    if wanted is None or not getattr(user, "pk", None):
        return None
    with transaction.atomic():
        draft = FilingDraft.objects.select_for_update().filter(
            Q(owner__isnull=True) | Q(owner=user),
            public_id=wanted, path=path, expires_at__gt=timezone.now(),
        ).first()
        if draft is not None and draft.owner_id is None:
            draft.owner = user
            draft.save(update_fields=["owner", "updated_at"])
            StagedUpload.objects.filter(draft=draft, owner__isnull=True).update(owner=user)
    return draft


def draft_form_data(draft: FilingDraft) -> dict[str, list[str]]:
    """The form as it was typed, with the draft's files among those already attached."""
    data = {key: list(values) for key, values in draft.data.items()}
    data["staged"] = data.get("staged", []) + [
        str(public_id) for public_id in draft.files.values_list("public_id", flat=True)]
    return data


def draft_discard(*, public_id: str | None, user, path: str) -> bool:
    """The draft of this page is done with (the form was sent again): its row goes; its
    files stay staged, named by the form, until the case is filed or they are purged."""
    wanted = _uuid(public_id)
    if wanted is None or not getattr(user, "pk", None):
        return False
    deleted, _rows = FilingDraft.objects.filter(
        Q(owner__isnull=True) | Q(owner=user), public_id=wanted, path=path).delete()
    return bool(deleted)
