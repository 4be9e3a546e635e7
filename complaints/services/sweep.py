"""The sweep: every minute, the clocks whose next check is due are claimed and acted on.

Claiming uses select_for_update(skip_locked=True), so two sweeps never take the same row;
every e-mail is a notification row whose unique key (case, clock, clock start, threshold,
recipient) makes a repeated sweep a no-op even if a claim were ever lost.

Also the desk's periodic e-mails: each operator's daily digest, and the supervisors'
hourly summary of e-mails that could not be sent.
"""
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property

from complaints.domain.business_time import CalendarSpec, add_business_days
from complaints.domain.events import EventType, Reason
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import Case, CaseEvent, Deadline, Notification
from complaints.services.bulk import rows_insert
from complaints.services.cases import case_transition
from complaints.services.counter_notices import counter_notice_restore_due
from complaints.services.deadlines import (
    ESCALATION_EVERY,
    PROMISE_MISSED,
    calendar_default,
    deadline_next_check,
)
from complaints.services.outbox import (
    filer_notify,
    notification_build,
    notifications_enqueue_keys,
    notifications_insert,
    notify,
)

SWEEP_BATCH = 1000
# A late answer is promised again this many business days after the breach.
LATE_EXTENSION_DAYS = 5


def _staff(role_group: str | None = None):
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    if role_group:
        users = users.filter(groups__name=role_group) | users.filter(is_superuser=True)
    return users.distinct()


def _key(deadline: Deadline, threshold: str) -> str:
    return f"{deadline.clock}:{deadline.started_at:%Y%m%d%H%M%S}:{threshold}"


# A clock's next check that is its own due time is written as F("due_at"), so clocks
# that changed alike share one UPDATE whatever their due times.
_AT_DUE = "at-due"


class _SweepBatch:
    """What one sweep writes, gathered while the clocks are read and written in bulk at
    the end: notification rows (rendered later by the worker), audit events, escalations
    and the clocks' new state. A sweep of 1,000 clocks is a few dozen queries."""

    def __init__(self, now: datetime):
        self.now = now
        self.notifications: list[dict] = []
        self.events: list[dict] = []
        self.escalate: set[int] = set()
        self.clock_updates: dict[tuple, list[int]] = defaultdict(list)
        self.breached = 0  # clocks breached by this run (the metrics' total)

    @cached_property
    def operators(self) -> list:
        return list(_staff())

    @cached_property
    def supervisors(self) -> list:
        return list(_staff("supervisor"))

    @cached_property
    def new_expected(self) -> datetime:
        """A late answer is promised again LATE_EXTENSION_DAYS business days from now."""
        calendar = calendar_default()
        spec = calendar.spec() if calendar else CalendarSpec()
        return add_business_days(self.now, LATE_EXTENSION_DAYS, spec)

    def notify(self, *, deadline: Deadline, recipient, threshold: str, template: str,
               per_case: bool = False, **refs) -> None:
        """`per_case`: one e-mail for the case, whichever of its clocks asks (a daily
        escalation), rather than one per clock."""
        case = deadline.case
        key = f"case:{case.pk}:{threshold if per_case else _key(deadline, threshold)}"
        if recipient.pk != case.filer_id:  # staff: one row each
            key += f":{recipient.pk}"
        self.notifications.append(notification_build(
            key=key, template=template, recipient=recipient, case_id=case.pk, now=self.now,
            refs={"deadline_id": deadline.pk, **refs}))

    def event(self, *, deadline: Deadline, event_type: EventType, new: dict) -> None:
        event_type = EventType(event_type)
        self.events.append({"case_id": deadline.case_id, "event_type": event_type.value,
                            "public": event_type.filer_sees, "new_value": new})

    def clock_changed(self, deadline: Deadline, **changes) -> None:
        for name, value in changes.items():
            setattr(deadline, name, value)
        next_check = deadline_next_check(deadline)
        changes["next_check_at"] = _AT_DUE if next_check == deadline.due_at else next_check
        self.clock_updates[tuple(sorted(changes.items()))].append(deadline.pk)

    def write(self) -> list[str]:
        keys = notifications_insert(self.notifications)
        rows_insert(CaseEvent, self.events)
        if self.escalate:
            Case.objects.filter(pk__in=self.escalate, escalated=False).update(escalated=True)
        for changes, pks in self.clock_updates.items():
            values = {name: F("due_at") if value == _AT_DUE else value
                      for name, value in changes}
            Deadline.objects.filter(pk__in=pks).update(**values)
        return keys


def _warn(deadline: Deadline, batch: _SweepBatch) -> None:
    case = deadline.case
    for user in [case.assignee] if case.assignee else batch.operators:
        batch.notify(deadline=deadline, recipient=user, threshold="warn",
                     template="deadline_warning")
    batch.event(deadline=deadline, event_type=EventType.DEADLINE_WARNING,
                new={"clock": deadline.clock, "due_at": deadline.due_at.isoformat()})
    batch.clock_changed(deadline, warned_at=batch.now)


def _told_of_breach(case, batch: _SweepBatch) -> list:
    """Supervisors and the assignee; a desk without supervisors tells everyone, so that
    somebody hears of it."""
    users = {u.pk: u for u in batch.supervisors}
    if case.assignee:
        users[case.assignee.pk] = case.assignee
    elif not users:
        users = {u.pk: u for u in batch.operators}
    return list(users.values())


def _breach(deadline: Deadline, batch: _SweepBatch) -> None:
    case = deadline.case
    expected = batch.new_expected
    batch.escalate.add(case.pk)
    batch.breached += 1
    batch.event(deadline=deadline, event_type=EventType.DEADLINE_BREACHED,
                new={"clock": deadline.clock, "due_at": deadline.due_at.isoformat(),
                     "new_expected": expected.isoformat()})
    for user in _told_of_breach(case, batch):
        batch.notify(deadline=deadline, recipient=user, threshold="breach",
                     template="deadline_breach")
    batch.notify(deadline=deadline, recipient=case.filer, threshold="late",
                 template="case_late", new_expected_at=expected.isoformat())
    batch.clock_changed(deadline, breached_at=batch.now, promised_at=expected, misses=1)


def _promise_missed(deadline: Deadline, batch: _SweepBatch) -> None:
    """The date promised in the late notice passed too: the filer hears the truth and a
    further date, once; the desk's escalation starts (one e-mail now, then daily)."""
    case = deadline.case
    missed, further = deadline.promised_at, batch.new_expected
    batch.escalate.add(case.pk)
    batch.event(deadline=deadline, event_type=EventType.DEADLINE_BREACHED,
                new={"clock": deadline.clock, "due_at": missed.isoformat(),
                     "new_expected": further.isoformat(), "promise_missed": True})
    for user in _told_of_breach(case, batch):
        batch.notify(deadline=deadline, recipient=user, threshold="promise",
                     template="deadline_escalation", missed_at=missed.isoformat(),
                     new_expected_at=further.isoformat())
    batch.notify(deadline=deadline, recipient=case.filer, threshold="late-again",
                 template="case_late_again", missed_at=missed.isoformat(),
                 new_expected_at=further.isoformat())
    batch.clock_changed(deadline, promised_at=further, misses=PROMISE_MISSED,
                        escalated_at=batch.now)


def _escalate(deadline: Deadline, batch: _SweepBatch) -> None:
    """One e-mail a day to the desk while a clock whose promise was missed stays
    unanswered; the filer is not given yet another date."""
    for user in _told_of_breach(deadline.case, batch):
        batch.notify(deadline=deadline, recipient=user,
                     threshold=f"escalate-{batch.now:%Y%m%d}", per_case=True,
                     template="deadline_escalation")
    batch.clock_changed(deadline, escalated_at=batch.now)


def _remind_filer(deadline: Deadline, batch: _SweepBatch) -> None:
    batch.notify(deadline=deadline, recipient=deadline.case.filer, threshold="remind",
                 template="case_reply_reminder")
    batch.event(deadline=deadline, event_type=EventType.FILER_REMINDED,
                new={"reply_by": deadline.due_at.isoformat()})
    batch.clock_changed(deadline, reminded_at=batch.now)


def _close_unanswered(deadline: Deadline) -> None:
    """Rare (a month without a reply), so done at once through the usual services."""
    case = deadline.case
    if case.status == Status.AWAITING_FILER:
        case_transition(case=case, target=Status.CLOSED, actor=None,
                        reason=Reason.NO_REPLY)
        filer_notify(case=case, event=_key(deadline, "closed"), template="case_closed_no_reply",
                     refs={"deadline_id": deadline.pk})


def _act(deadline: Deadline, batch: _SweepBatch) -> None:
    now = batch.now
    if deadline.case.status not in OPEN_STATUSES:
        batch.clock_changed(deadline, next_check_at=None)
        return
    if deadline.clock == Deadline.Clock.RESTORE:
        # Rare, and each a change of its own (the output restored, both sides told):
        # done at once through its service, which moves or meets the clock itself.
        counter_notice_restore_due(deadline_id=deadline.pk, now=now)
    elif deadline.clock == Deadline.Clock.FILER_REPLY:
        if deadline.due_at <= now:
            _close_unanswered(deadline)  # also stops this clock
        elif deadline.reminded_at is None:
            _remind_filer(deadline, batch)
        else:
            batch.clock_changed(deadline)
    elif deadline.breached_at is None and deadline.due_at <= now:
        _breach(deadline, batch)
    elif deadline.breached_at is None and deadline.warned_at is None and deadline.warn_at \
            and deadline.warn_at <= now:
        _warn(deadline, batch)
    elif deadline.misses < PROMISE_MISSED and deadline.promised_at \
            and deadline.promised_at <= now:
        _promise_missed(deadline, batch)
    elif deadline.misses >= PROMISE_MISSED and deadline.escalated_at \
            and deadline.escalated_at + ESCALATION_EVERY <= now:
        _escalate(deadline, batch)
    else:
        batch.clock_changed(deadline)


_PERSON = ("email", "language", "time_zone")
# What the sweep reads of a clock's case and people (a case row is wide; the rest of it
# is loaded only if a rare path, such as closing the case, needs it).
_CLAIM_FIELDS = [
    *(f.name for f in Deadline._meta.concrete_fields),
    "case__status", "case__escalated", "case__filer_id", "case__assignee_id",
    *(f"case__filer__{name}" for name in _PERSON),
    *(f"case__assignee__{name}" for name in _PERSON),
]


@dataclass
class SweepTally:
    """What a sweep did besides the clocks it handled, for the metrics (sweep_runs)."""

    breached: int = 0


def deadlines_sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH,
                    tally: SweepTally | None = None) -> int:
    """Act on every clock whose next check has come. Returns how many were handled
    (and adds the clocks it found breached to `tally`).

    Notifications are written unrendered and delivered after commit, DELIVERY_CHUNK
    per task; anything the broker loses is picked up by the relay.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_check_at__lte=now)
            .select_related("case", "case__filer", "case__assignee")
            .only(*_CLAIM_FIELDS)
            .order_by("next_check_at")[:limit]
        )
        batch = _SweepBatch(now)
        for deadline in due:
            _act(deadline, batch)
        keys = batch.write()
        transaction.on_commit(partial(notifications_enqueue_keys, keys))
    if tally is not None:
        tally.breached += batch.breached
    return len(due)


DIGEST_HOUR = 9


def staff_digests_send(*, now: datetime | None = None) -> int:
    """At 09:00 in each operator's own time zone: what is overdue or due today.

    Run every few minutes; the key (user, local date) sends each digest once a day.
    """
    now = now or timezone.now()
    sent = 0
    for user in _staff():
        local = timezone.localtime(now, zoneinfo.ZoneInfo(user.time_zone))
        if local.hour != DIGEST_HOUR:
            continue
        end_of_day = local.replace(hour=23, minute=59, second=59)
        due = list(
            Case.objects.filter(status__in=OPEN_STATUSES, next_due_at__lte=end_of_day)
            .filter(Q(assignee=user) | Q(assignee__isnull=True))
            .order_by("next_due_at").values_list("pk", "next_due_at")[:100]
        )
        if not due:
            continue
        notify(
            key=f"digest:{user.pk}:{local.date().isoformat()}", template="staff_digest",
            recipient=user,
            refs={"count": len(due),
                  "overdue_ids": [pk for pk, due_at in due if due_at < now],
                  "today_ids": [pk for pk, due_at in due if due_at >= now],
                  "queue_url": settings.SITE_URL
                  + reverse("admin:complaints_case_changelist")},
        )
        sent += 1
    return sent


# The summary lists this many of the failed e-mails; the desk's list has them all.
FAILED_LISTED = 100


SUMMARY_EVERY = timedelta(hours=1)


def _last_summary_until() -> datetime | None:
    """Up to when the last summary of failed e-mails counted (None before the first)."""
    refs = (Notification.objects.filter(kind=Notification.Kind.FAILED_EMAILS)
            .order_by("-created_at", "-pk").values_list("context", flat=True).first())
    return parse_datetime(refs["until_at"]) if refs and refs.get("until_at") else None


def failed_emails_summarise(*, now: datetime | None = None) -> int:
    """Tell the supervisors (everyone on the desk while there are none) of the e-mails
    given up since the last summary: at most one summary an hour, by its key, so an
    outage does not flood them; none when nothing new failed. A summary that fails
    itself is never counted in the next one. Returns how many were written."""
    now = now or timezone.now()
    people = list(_staff("supervisor")) or list(_staff())
    hour = f"{now.astimezone(UTC):%Y%m%d%H}"
    keys = {person.pk: f"failed_emails:{hour}:{person.pk}" for person in people}
    if not people or Notification.objects.filter(key__in=keys.values()).exists():
        return 0  # this hour's summary went out: what failed since waits for the next
    since = _last_summary_until()
    if since is not None and now - since < SUMMARY_EVERY:
        return 0  # an hour since the last one, not a new clock hour (10:57, then 11:02)
    failed = (Notification.objects.filter(failed_at__isnull=False, failed_at__lte=now)
              .exclude(kind=Notification.Kind.FAILED_EMAILS))
    if since is not None:
        failed = failed.filter(failed_at__gt=since)
    kinds = list(failed.order_by("kind").values("kind").annotate(n=Count("pk"))
                 .values_list("kind", "n"))
    if not kinds:
        return 0
    listed = list(failed.order_by("kind", "case_id", "pk")
                  .values_list("pk", flat=True)[:FAILED_LISTED])
    refs = {"count": sum(n for _kind, n in kinds), "kinds": [list(k) for k in kinds],
            "failed_ids": listed, "since_at": since, "until_at": now,
            "notifications_url": settings.SITE_URL
            + reverse("admin:complaints_notification_changelist") + "?failed=final"}
    for person in people:
        notify(key=keys[person.pk], template="failed_emails", recipient=person, refs=refs)
    return len(people)
