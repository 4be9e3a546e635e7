"""The sweep: every minute, the clocks whose next check is due are claimed and acted on.

Claiming uses select_for_update(skip_locked=True), so two sweeps never take the same row;
every e-mail is a notification row whose unique key (case, clock, clock start, threshold,
recipient) makes a repeated sweep a no-op even if a claim were ever lost.
"""
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from complaints.business_time import CalendarSpec, add_business_days
from complaints.models import Case, Deadline
from complaints.services.audit import event_record
from complaints.services.cases import case_transition
from complaints.services.deadlines import calendar_default, deadline_next_check
from complaints.services.notifications import filer_notify, notification_queue
from complaints.status import OPEN_STATUSES, Status

SWEEP_BATCH = 1000
# A late answer is promised again this many business days after the breach.
LATE_EXTENSION_DAYS = 5


def _staff(role_group: str | None = None):
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    if role_group:
        users = users.filter(groups__name=role_group) | users.filter(is_superuser=True)
    return users.distinct()


def _tell_staff(*, users, deadline: Deadline, threshold: str, template: str,
                context: dict) -> None:
    case = deadline.case
    desk_url = settings.SITE_URL + reverse("admin:complaints_case_change", args=[case.pk])
    for user in users:
        notification_queue(
            key=f"case:{case.pk}:{deadline.clock}:{deadline.started_at:%Y%m%d%H%M%S}:"
                f"{threshold}:{user.pk}",
            template=template, recipient_email=user.email, language=user.language,
            time_zone=user.time_zone, case=case,
            context={"case": case, "deadline": deadline, "recipient": user,
                     "desk_url": desk_url, **context},
        )


class _SweepContext:
    """What every clock of one sweep shares, read at most once per sweep."""

    def __init__(self, now: datetime):
        self.now = now

    @cached_property
    def operators(self) -> list:
        return list(_staff())

    @cached_property
    def supervisors(self) -> list:
        return list(_staff("supervisor"))

    @cached_property
    def spec(self) -> CalendarSpec:
        calendar = calendar_default()
        return calendar.spec() if calendar else CalendarSpec()


def _key(deadline: Deadline, threshold: str) -> str:
    return f"{deadline.clock}:{deadline.started_at:%Y%m%d%H%M%S}:{threshold}"


def _warn(deadline: Deadline, ctx: _SweepContext) -> None:
    case = deadline.case
    users = [case.assignee] if case.assignee else ctx.operators
    _tell_staff(users=users, deadline=deadline, threshold="warn", template="deadline_warning",
                context={})
    deadline.warned_at = ctx.now
    event_record(case=case, actor=None, event_type="deadline_warning", public=False,
                 new={"clock": deadline.clock, "due_at": deadline.due_at.isoformat()})


def _breach(deadline: Deadline, ctx: _SweepContext) -> None:
    case = deadline.case
    expected = add_business_days(ctx.now, LATE_EXTENSION_DAYS, ctx.spec)
    deadline.breached_at = ctx.now
    if not case.escalated:
        case.escalated = True
        Case.objects.filter(pk=case.pk).update(escalated=True)
    event_record(case=case, actor=None, event_type="deadline_breached",
                 new={"clock": deadline.clock, "due_at": deadline.due_at.isoformat(),
                      "new_expected": expected.isoformat()})
    users = {u.pk: u for u in ctx.supervisors}
    if case.assignee:
        users[case.assignee.pk] = case.assignee
    _tell_staff(users=users.values(), deadline=deadline, threshold="breach",
                template="deadline_breach", context={})
    filer_notify(case=case, event=_key(deadline, "late"), template="case_late",
                 context={"deadline": deadline, "new_expected": expected})


def _remind_filer(deadline: Deadline, now: datetime) -> None:
    deadline.reminded_at = now
    filer_notify(case=deadline.case, event=_key(deadline, "remind"),
                 template="case_reply_reminder", context={"deadline": deadline})
    event_record(case=deadline.case, actor=None, event_type="filer_reminded", public=True,
                 new={"reply_by": deadline.due_at.isoformat()})


def _close_unanswered(deadline: Deadline) -> None:
    case = deadline.case
    if case.status == Status.AWAITING_FILER:
        case_transition(case=case, target=Status.CLOSED, actor=None,
                        reason="no reply from the filer within the time given")
        filer_notify(case=case, event=_key(deadline, "closed"), template="case_closed_no_reply",
                     context={"deadline": deadline})


def _act(deadline: Deadline, ctx: _SweepContext) -> None:
    now = ctx.now
    if deadline.case.status not in OPEN_STATUSES:
        deadline.next_check_at = None
        deadline.save(update_fields=["next_check_at"])
        return
    if deadline.clock == Deadline.Clock.FILER_REPLY:
        if deadline.reminded_at is None and deadline.due_at > now:
            _remind_filer(deadline, now)
        if deadline.due_at <= now:
            _close_unanswered(deadline)  # also stops this clock
            return
    else:
        if deadline.breached_at is None and deadline.due_at <= now:
            _breach(deadline, ctx)
        elif deadline.warned_at is None and deadline.warn_at and deadline.warn_at <= now:
            _warn(deadline, ctx)
    deadline.next_check_at = deadline_next_check(deadline)
    deadline.save(update_fields=["warned_at", "breached_at", "reminded_at", "next_check_at"])


def deadlines_sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Act on every clock whose next check has come. Returns how many were handled."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_check_at__lte=now)
            .select_related("case", "case__filer", "case__assignee")
            .order_by("next_check_at")[:limit]
        )
        ctx = _SweepContext(now)
        for deadline in due:
            _act(deadline, ctx)
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
        cases = list(
            Case.objects.filter(status__in=OPEN_STATUSES, next_due_at__lte=end_of_day)
            .filter(Q(assignee=user) | Q(assignee__isnull=True))
            .select_related("assignee").order_by("next_due_at")[:100]
        )
        if not cases:
            continue
        notification_queue(
            key=f"digest:{user.pk}:{local.date().isoformat()}", template="staff_digest",
            recipient_email=user.email, language=user.language, time_zone=user.time_zone,
            context={"recipient": user, "count": len(cases),
                     "overdue": [c for c in cases if c.next_due_at < now],
                     "today": [c for c in cases if c.next_due_at >= now],
                     "queue_url": settings.SITE_URL
                     + reverse("admin:complaints_case_changelist")},
        )
        sent += 1
    return sent
