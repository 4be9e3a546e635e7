"""A notice sent through the API a page at a time: a draft holds what the notice says,
its rows come in pages (e.g. 1,000 locations a request), and it is filed once, as one
case with one receipt and one set of clocks. Only its owner reaches it; it expires
KOTAE_API_DRAFT_DAYS after its last change (purged with the portal's drafts).

The rows are kept as the API received them: at filing the whole notice is checked as a
notice sent in one request is, so both ways accept and refuse the same things."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from complaints.domain.kinds import LIMITS, too_many
from complaints.models import FilingDraft, FilingDraftRow
from complaints.models.drafts import API_DRAFT_PATH

PARTS = (FilingDraftRow.Part.LOCATIONS, FilingDraftRow.Part.WORKS)


def _expiry():
    return timezone.now() + timedelta(days=settings.KOTAE_API_DRAFT_DAYS)


def filing_draft_open(*, owner, notice: dict) -> FilingDraft:
    """A new draft of `notice` (a case body without its rows)."""
    return FilingDraft.objects.create(path=API_DRAFT_PATH, owner=owner, data=notice,
                                      expires_at=_expiry())


def filing_draft_notice_change(*, draft: FilingDraft, notice: dict) -> None:
    """What the notice says, changed (its rows stay)."""
    draft.data, draft.expires_at = notice, _expiry()
    draft.save(update_fields=["data", "expires_at", "updated_at"])


def filing_draft_rows_add(*, draft: FilingDraft, part: str, rows: list[dict]) -> int:
    """Add a page of rows after those already there; refused whole, with the limit and
    the number there would be, if the notice would pass its limit. How many rows of
    this part the draft holds now."""
    with transaction.atomic():
        draft = FilingDraft.objects.select_for_update().get(pk=draft.pk)
        held = draft.rows.filter(part=part).count()
        if held + len(rows) > LIMITS[part]:
            raise ValidationError({part: [str(too_many(part, held + len(rows)))]},
                                  code="max_length")
        FilingDraftRow.objects.bulk_create(
            FilingDraftRow(draft=draft, part=part, position=held + i, data=row)
            for i, row in enumerate(rows))
        FilingDraft.objects.filter(pk=draft.pk).update(expires_at=_expiry(),
                                                       updated_at=timezone.now())
    return held + len(rows)


def filing_draft_counts(draft: FilingDraft) -> dict[str, int]:
    """How many rows of each part the draft holds: one query."""
    counts = dict(draft.rows.values_list("part").annotate(n=Count("pk")).order_by())
    return {part.value: counts.get(part.value, 0) for part in PARTS}


def filing_draft_notice(draft: FilingDraft) -> dict:
    """The whole notice as one request would send it: the draft's fields and its rows in
    the order they were added. Two queries, whatever the size."""
    notice = dict(draft.data)
    rows = draft.rows.order_by("part", "position").values_list("part", "data")
    for part in PARTS:
        notice.setdefault(part.value, [])
    for part, data in rows.iterator(chunk_size=2000):
        notice[part].append(data)
    return notice


def filing_draft_close(*, draft: FilingDraft) -> None:
    """The draft is filed (or given up): it and its rows go."""
    FilingDraft.objects.filter(pk=draft.pk).delete()
