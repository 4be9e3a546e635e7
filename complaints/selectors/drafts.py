"""The API's drafts of a notice, for their owner only."""
import uuid

from django.http import Http404
from django.utils import timezone

from complaints.models import FilingDraft
from complaints.models.drafts import API_DRAFT_PATH


def filing_draft_for_owner(user, public_id, *, lock: bool = False) -> FilingDraft:
    """The caller's unexpired API draft; 404 for anyone else's, an expired or a filed one."""
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    drafts = FilingDraft.objects.select_for_update() if lock else FilingDraft.objects
    draft = drafts.filter(public_id=wanted, owner=user, path=API_DRAFT_PATH,
                          expires_at__gt=timezone.now()).first()
    if draft is None:
        raise Http404
    return draft
