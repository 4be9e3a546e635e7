"""Messages on a case: public replies (the filer sees them) and internal notes."""
from django.contrib.auth import get_user_model
from django.db import transaction

from complaints.domain.events import EventType
from complaints.domain.status import Status
from complaints.models import Case, Deadline, Message
from complaints.services.audit import event_record
from complaints.services.cases import (
    case_advance_to,
    case_require_open,
    case_touch,
    case_transition,
)
from complaints.services.deadlines import deadline_meet, deadline_resume
from complaints.services.evidence import evidence_attach, evidence_from_staged
from complaints.services.outbox import filer_notify, notify


@transaction.atomic
def message_post(
    *, case: Case, author, body: str, visibility: str = Message.Visibility.PUBLIC,
    uploads=(), staged=(), notify: bool = True,
) -> Message:
    """Post a message. A public reply from the desk is the case's first human response:
    it acknowledges the case, meets that clock, and is e-mailed to the filer."""
    case_require_open(case)
    from_staff = bool(author.is_staff) and author.pk != case.filer_id
    if not from_staff:
        visibility = Message.Visibility.PUBLIC  # filers cannot write internal notes
    message = Message.objects.create(
        case=case, author=author, body=body, visibility=visibility, from_staff=from_staff
    )
    for upload in uploads:
        evidence_attach(case=case, uploaded_by=author, upload=upload, message=message)
    for staged_upload in staged:
        evidence_from_staged(case=case, staged=staged_upload, uploaded_by=author,
                             message=message)
    is_public = visibility == Message.Visibility.PUBLIC
    event_record(
        case=case, actor=author,
        event_type=EventType.REPLY_SENT if from_staff and is_public
        else EventType.NOTE_ADDED if from_staff else EventType.FILER_REPLIED,
        new={"message_id": message.pk},
    )
    case_touch(case=case)
    if from_staff and is_public:
        if case.status == Status.SUBMITTED:
            case_advance_to(case=case, target=Status.ACKNOWLEDGED, actor=author)
        deadline_meet(case=case, clock=Deadline.Clock.FIRST_RESPONSE, actor=author)
        if notify:
            filer_notify(case=case, event=f"message:{message.pk}", template="case_reply",
                         refs={"message_id": message.pk})
    elif not from_staff and case.status == Status.AWAITING_FILER:
        # The filer answered what the desk asked: the decision clock runs again, and the
        # desk hears of it.
        case_transition(case=case, target=Status.IN_REVIEW, actor=author)
        deadline_meet(case=case, clock=Deadline.Clock.FILER_REPLY, actor=author)
        deadline_resume(case=case, clock=Deadline.Clock.DECISION, actor=author)
        _desk_tell_filer_replied(case=case, message=message)
    return message


def _desk_tell_filer_replied(*, case: Case, message: Message) -> None:
    """The assignee, or every operator while nobody is assigned, is told by e-mail."""
    people = ([case.assignee] if case.assignee_id else
              get_user_model().objects.filter(is_staff=True, is_active=True))
    for person in people:
        notify(key=f"case:{case.pk}:filer_replied:{message.pk}:{person.pk}",
               template="filer_replied", recipient=person, case_id=case.pk,
               refs={"message_id": message.pk})
