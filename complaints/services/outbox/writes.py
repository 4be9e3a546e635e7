"""Writing e-mails into the outbox: one row per e-mail, its key unique, written in the
transaction that caused it with the refs it is rendered from (see `context`), and handed
to a worker after commit. Nothing is rendered here: the worker renders at delivery.
"""
import logging
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Case, Notification
from complaints.services.bulk import rows_insert
from complaints.services.enqueue import (
    BROKER_ERRORS,
    task_send,
    task_send_on_commit,
    tasks_send_on_commit,
)
from complaints.services.outbox.context import TIME_ZONE, refs_plain
from complaints.services.outbox.email import DEFAULT_TIME_ZONE

# The task sent after commit normally delivers a row at once; the relay (the
# notifications sweep) takes it from here only if that did not happen within a minute
# (an interactive e-mail; a bulk one RELAY_GRACE, below).
SWEEP_GRACE = timedelta(minutes=1)
DELIVERY_CHUNK = 50
DELIVER_TASK = "complaints.tasks.notification_deliver_task"
DELIVER_MANY_TASK = "complaints.tasks.notifications_deliver_many_task"
# A bulk e-mail, and any row the relay handed over, is left to the workers this long
# before the relay hands it over (again): time to reach it behind a backlog of bulk
# e-mail, which would otherwise be queued once more every minute (a row sent meanwhile
# is never sent twice anyway).
RELAY_GRACE = timedelta(minutes=5)

logger = logging.getLogger(__name__)

Kind = Notification.Kind
# Which queue an e-mail goes on (config.settings.base.KOTAE_TASK_QUEUES): by who waits for
# it. A person waits for these, just after doing something: one e-mail per task, on the
# "interactive" queue (DELIVER_TASK).
INTERACTIVE_KINDS = frozenset({
    Kind.ACCOUNT_VERIFY, Kind.ACCOUNT_PASSWORD_RESET, Kind.ORGANISATION_INVITATION,
    Kind.CASE_RECEIPT, Kind.CASE_REPLY, Kind.CASE_INFO_REQUESTED, Kind.CASE_DECISION,
    Kind.CASE_MERGED, Kind.CASE_RETRACTED, Kind.FILER_REPLIED, Kind.REGISTER_CONFIRMED,
    Kind.REGISTER_APPLIED, Kind.REGISTER_NOT_POSSIBLE, Kind.COUNTER_NOTICE_COPY,
    Kind.COUNTER_NOTICE_COURT_ACTION, Kind.FILER_WARNED, Kind.FILER_SUSPENDED,
    Kind.OWNER_STATEMENT, Kind.OWNER_LINK,
})
# The clock or beat writes these, often thousands at once: batches on the "bulk" queue
# (DELIVER_MANY_TASK), so that they never stand in front of a receipt.
BULK_KINDS = frozenset({
    Kind.CASE_REPLY_REMINDER, Kind.CASE_CLOSED_NO_REPLY, Kind.CASE_LATE, Kind.CASE_LATE_AGAIN,
    Kind.DEADLINE_WARNING, Kind.DEADLINE_BREACH, Kind.DEADLINE_ESCALATION, Kind.STAFF_DIGEST,
    Kind.FAILED_EMAILS, Kind.COUNTER_NOTICE_RESTORED, Kind.OUTPUT_RESTORED,
})


def deliveries_by_urgency(rows: list[tuple[int, str]]) -> list[tuple[str, list[tuple]]]:
    """The tasks that deliver these (id, kind) rows, each with its sets of arguments: an
    interactive e-mail alone, bulk ones DELIVERY_CHUNK per task (a kind in neither set
    counts as bulk, where it can delay no one who waits)."""
    alone = [(pk,) for pk, kind in rows if kind in INTERACTIVE_KINDS]
    batched = [pk for pk, kind in rows if kind not in INTERACTIVE_KINDS]
    chunks = [(batched[start:start + DELIVERY_CHUNK],)
              for start in range(0, len(batched), DELIVERY_CHUNK)]
    return [(name, sets) for name, sets in ((DELIVER_TASK, alone), (DELIVER_MANY_TASK, chunks))
            if sets]


class Recipient(NamedTuple):
    """Whom an e-mail goes to when they may have no account (an invitation): an
    address, the language and the time zone to write in. A user will do as well."""

    email: str
    language: str
    time_zone: str = DEFAULT_TIME_ZONE


def notification_build(*, key: str, template: str, recipient, refs: dict,
                       case_id: int | None = None, now: datetime | None = None) -> dict:
    """A row for `notifications_insert` (or `notify`), to `recipient` (a user or a
    `Recipient`), rendered by the worker at delivery from `refs` (ids and plain values,
    see complaints.services.outbox.context)."""
    refs = {TIME_ZONE: recipient.time_zone, **refs_plain(refs)}
    if getattr(recipient, "pk", None) is not None:
        refs.setdefault("recipient_id", recipient.pk)
    return {"key": key, "case_id": case_id, "kind": template, "recipient": recipient.email,
            "language": recipient.language, "context": refs,
            "next_attempt_at": (now or timezone.now()) + (
                SWEEP_GRACE if template in INTERACTIVE_KINDS else RELAY_GRACE)}


def notify(*, key: str, template: str, recipient, refs: dict, case_id: int | None = None,
           known_new: bool = False) -> Notification:
    """Write the e-mail once (its key is unique) and deliver it after commit.

    A second call with the same key returns the first row and sends nothing more.
    `known_new`: no row can have this key yet (its case was made in this transaction),
    so it is one INSERT with no lookup first.
    """
    row = notification_build(key=key, template=template, recipient=recipient, refs=refs,
                             case_id=case_id)
    if known_new:
        notification = Notification.objects.create(**row)
    else:
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notification = Notification.objects.create(**row)
        except IntegrityError:  # the same key written at the same moment: that one is sent
            return Notification.objects.get(key=key)
    if notification.kind in INTERACTIVE_KINDS:
        task_send_on_commit(DELIVER_TASK, notification.pk,
                            waiting=f"Notification {notification.pk}")
    else:  # a digest or a summary: on the bulk queue, never in front of a receipt
        task_send_on_commit(DELIVER_MANY_TASK, [notification.pk],
                            waiting=f"Notification {notification.pk}")
    return notification


def filer_notify(*, case: Case, event: str, template: str, refs: dict | None = None,
                 known_new: bool = False) -> Notification:
    """Tell the case's filer, in their language and time zone, with a link to the case.

    `event` names what happened on the case; with the case it makes the unique key.
    The template gets `case`, `filer` and `case_url` besides what `refs` name.
    """
    return notify(key=f"case:{case.pk}:{event}", template=template, recipient=case.filer,
                  refs=refs or {}, case_id=case.pk, known_new=known_new)


def notifications_insert(rows: list[dict]) -> list[str]:
    """Insert rows built by `notification_build` in bulk; a key already there is left as
    it was. Returns the keys, for `notifications_enqueue_keys` after commit."""
    rows_insert(Notification, rows, skip_conflicts_on="key")
    return [row["key"] for row in rows]


def notifications_enqueue_keys(keys: list[str]) -> None:
    """After commit: hand unsent rows to the workers, each on its queue (by kind)."""
    rows = []
    for start in range(0, len(keys), 500):
        rows += Notification.objects.filter(
            key__in=keys[start:start + 500], status=Notification.Status.PENDING
        ).values_list("pk", "kind")
    for name, arg_sets in deliveries_by_urgency(rows):  # already after commit: sent at once
        tasks_send_on_commit(name, arg_sets, waiting=f"{len(rows)} notifications")


def notifications_resend(*, ids: list[int]) -> int:
    """Send again e-mails that failed (out of attempts, or waiting for their next one):
    each starts again from its first attempt, now, rendered from the data as it is then
    and with the same Message-ID. A sent e-mail is never sent twice. Returns how many."""
    with transaction.atomic():
        again = list(Notification.objects.filter(pk__in=ids,
                                                 status=Notification.Status.FAILED)
                     .values_list("pk", "kind"))
        Notification.objects.filter(pk__in=[pk for pk, _kind in again]).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
            failed_at=None)
        for name, arg_sets in deliveries_by_urgency(again):
            tasks_send_on_commit(name, arg_sets, waiting=f"{len(again)} notifications")
    return len(again)


def notifications_hand_over(*, ids: list[int]) -> int:
    """For the relay: hand these e-mails (due, not sent) to the workers again, each on its
    queue; nothing is sent here, so a relay never stands in front of a sweep. A new row
    handed over is not handed over again for RELAY_GRACE (a backlog of bulk e-mail would
    otherwise be queued once more every minute); a failed one is claimed only when its
    attempt is due, so it keeps its pause. Returns how many were handed over."""
    rows = list(Notification.objects.filter(pk__in=ids).values_list("pk", "kind"))
    try:
        for name, arg_sets in deliveries_by_urgency(rows):
            for args in arg_sets:
                task_send(name, *args)
    except BROKER_ERRORS as exc:  # the rows stay due: the next relay tries again
        logger.warning("The relay could not hand %s notifications over: %s", len(rows), exc)
        return 0
    # After the hand-over, so that a broker down leaves them due; a row sent meanwhile
    # is no longer pending and is left as it is. Only rows never attempted: a worker
    # claims those whatever their next_attempt_at, while a row attempted before (its
    # worker died mid-send) is claimed only when due, so postponing it would make the
    # task just handed over find it not due, every time; and a row a worker claimed
    # meanwhile (attempts counted) holds its lease in next_attempt_at, not to be cut.
    Notification.objects.filter(
        pk__in=ids, status=Notification.Status.PENDING, attempts=0,
    ).update(next_attempt_at=timezone.now() + RELAY_GRACE)
    return len(rows)
