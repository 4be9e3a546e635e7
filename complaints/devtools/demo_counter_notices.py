"""The demo history's counter-notices: the owner of a removed output answers, through the
same service as the owner's page, that it was a mistake; mostly the output is restored,
else the complainant reports a court action. Played in the past like every demo case."""
from datetime import datetime

from complaints.domain.events import Reason
from complaints.domain.laws import Law
from complaints.domain.status import Status
from complaints.models import Case, CounterNotice, Deadline, OutputOwner
from complaints.services.cases import case_transition
from complaints.services.counter_notices import (
    CounterNoticeData,
    counter_notice_submit,
    restore_ordered,
)
from complaints.services.messages import message_post

DAY = 9 * 60  # business minutes in a working day of the default calendar


def counter_notice_play(seed, original: Case, filed: datetime, *, Step) -> None:  # noqa: N803
    """`seed`: the seed_transparency_demo command, whose `Step`s move rows to their time."""
    # Under US law, so a counter-notice is offered; the owner files as the history filer.
    Case.objects.filter(pk=original.pk).update(law=Law.US_DMCA)
    original.refresh_from_db()
    owner = OutputOwner.objects.create(ai_product=original.ai_product,
                                       handle=f"@reel-user-{original.pk}",
                                       email=seed.filer.email)
    original.locations.update(owner=owner)
    made = []
    seed._replay(original, [Step(filed, lambda: made.append(counter_notice_submit(
        owner=owner, complaint=original, data=CounterNoticeData(
            locations=list(original.locations.values_list("pk", flat=True)),
            full_name="Demo History", postal_address="1-2-3 Shibuya, Tokyo, Japan",
            outside_us=True, phone="+81 3 0000 0000", email=seed.filer.email,
            mistake_statement=True, jurisdiction_consent=True, signature="Demo History",
            language="en"))))])
    notice = made[0]
    # The demo plays its own ending below, in the past: no live restore clock.
    Deadline.objects.filter(case=notice, clock=Deadline.Clock.RESTORE).delete()
    restore = seed.random.random() < 0.7
    first, decide = seed._fit(filed, int(seed.random.lognormvariate(5.3, 0.6)), 12 * DAY)
    decided = seed._after(filed, decide)
    seed._play(notice, [Step(filed, None), Step(seed._after(filed, first), lambda: (
        message_post(case=notice, author=seed.operator,
                     body="We sent a copy of your counter-notice to the complainant."))),
        # Ended as the restore clock or a court action ends one: closed, not decided.
        Step(decided, lambda: _end(notice, restored=restore))])
    CounterNotice.objects.filter(case=notice).update(
        state=CounterNotice.State.RESTORED if restore else CounterNotice.State.COURT_ACTION,
        restored_at=decided if restore else None)
    if restore:
        seed._replay(original, [Step(decided, lambda: restore_ordered(
            complaint=original, locations=list(original.locations.all())))])


def _end(notice: Case, *, restored: bool) -> None:
    reason = Reason.OUTPUT_RESTORED if restored else Reason.COURT_ACTION
    for step in (Status.ACKNOWLEDGED, Status.IN_REVIEW, Status.DECIDED, Status.CLOSED):
        notice.refresh_from_db()
        if notice.status != step:
            case_transition(case=notice, target=step, actor=None, reason=reason)
