"""Drafts kept for a visitor not logged in: caps, the day's room for all of them, who may
take one up, and the purge (issue 16, finding 3)."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import FilingDraft, StagedUpload, StagingDay
from complaints.services.drafts import draft_keep_anonymous, draft_resume
from complaints.services.evidence import staged_uploads_purge, upload_stage
from tests.factories import PNG_BYTES

pytestmark = pytest.mark.django_db

PATH = "/cases/new/output-complaint/"


def png(name: str, size: int = 1000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES + b"\0" * (size - len(PNG_BYTES)))


def keep(public_id=None, *, data=None, uploads=(), path=PATH):
    return draft_keep_anonymous(public_id=public_id, path=path,
                                data=data or {"title": ["Video copies Hoshino Aki"]},
                                uploads=list(uploads))


def test_a_second_post_adds_to_the_same_draft_within_its_cap(settings):
    settings.KOTAE_ANONYMOUS_DRAFT_FILES = 3
    first = keep(uploads=[png("a.png"), png("b.png")])
    second = keep(str(first.draft.public_id), data={"title": ["Changed"]},
                  uploads=[png("c.png"), png("d.png")])
    assert second.draft.pk == first.draft.pk
    assert second.draft.data == {"title": ["Changed"]}
    assert second.kept == ["c.png"] and "“d.png” was not kept" in second.refused[0]
    assert second.draft.files.count() == 3


def test_all_anonymous_drafts_of_a_day_are_bounded_together(settings):
    settings.KOTAE_ANONYMOUS_DRAFTS_BYTES_PER_DAY = 2500
    keep(uploads=[png("a.png"), png("b.png")])  # another visitor's, 2 KB and its text
    result = keep(uploads=[png("c.png")])
    assert result.refused == ["“c.png” was not kept: we keep only so much for visitors who "
                              "are not logged in, and today's room is used up."]
    assert StagedUpload.objects.count() == 2


def test_text_over_the_cap_is_not_kept_but_files_are(settings):
    settings.KOTAE_ANONYMOUS_DRAFT_TEXT_BYTES = 100
    result = keep(data={"similarity": ["x" * 200]}, uploads=[png("a.png")])
    assert not result.text_kept and "it comes to 219\xa0bytes" in result.text_refusal
    assert result.draft.data == {} and result.kept == ["a.png"]


def test_a_draft_is_taken_up_only_by_its_session_user_on_its_page(creator, other_creator):
    draft = keep(uploads=[png("a.png")]).draft
    assert draft_resume(public_id=str(draft.public_id), user=creator, path="/other/") is None
    assert draft_resume(public_id="not-a-uuid", user=creator, path=PATH) is None
    taken = draft_resume(public_id=str(draft.public_id), user=creator, path=PATH)
    assert taken.owner == creator and StagedUpload.objects.get().owner == creator
    assert draft_resume(public_id=str(draft.public_id), user=other_creator, path=PATH) is None
    FilingDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert draft_resume(public_id=str(draft.public_id), user=creator, path=PATH) is None


def test_expired_drafts_and_their_files_are_purged(creator):
    old = keep(uploads=[png("old.png")]).draft
    fresh = keep(uploads=[png("fresh.png")]).draft
    claimed = keep(uploads=[png("claimed.png")]).draft
    draft_resume(public_id=str(claimed.public_id), user=creator, path=PATH)
    upload_stage(owner=creator, upload=png("mine.png"))
    paths = {s.original_name: Path(s.file.path) for s in StagedUpload.objects.all()}
    FilingDraft.objects.filter(pk__in=[old.pk, claimed.pk]).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    StagingDay.objects.create(user=creator, day=timezone.localdate() - timedelta(days=3))

    assert staged_uploads_purge() == 2
    assert list(FilingDraft.objects.all()) == [fresh]
    assert sorted(StagedUpload.objects.values_list("original_name", flat=True)) == [
        "fresh.png", "mine.png"]
    assert not paths["old.png"].exists() and not paths["claimed.png"].exists()
    assert paths["fresh.png"].exists() and paths["mine.png"].exists()
    assert list(StagingDay.objects.values_list("day", flat=True)) == [timezone.localdate()]
