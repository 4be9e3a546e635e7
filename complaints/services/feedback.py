"""The filer's answer to "did this answer help?"."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints.domain.events import EventType
from complaints.models import Case, Feedback
from complaints.services.audit import event_record
from complaints.services.quality import quality_tallies_kept

ERROR_NOT_DECIDED = gettext_lazy("You can say whether the answer helped once it is decided.")


@transaction.atomic
def feedback_record(*, case: Case, author, helpful: bool, comment: str = "") -> Feedback:
    """Record (or change) one person's feedback on a decided case."""
    if getattr(case, "decision", None) is None:
        raise ValidationError(ERROR_NOT_DECIDED, code="not_decided")
    with quality_tallies_kept(case_ids=[case.pk]):
        feedback, created = Feedback.objects.update_or_create(
            case=case, author=author, defaults={"helpful": helpful, "comment": comment},
        )
    event_record(case=case, actor=author, event_type=EventType.FEEDBACK_GIVEN,
                 new={"helpful": helpful, "changed": not created})
    return feedback
