"""Writing e-mails into the outbox: one row per e-mail, its key unique, written in the
transaction that caused it with the refs it is rendered from (see `context`), and handed
to a worker after commit. Nothing is rendered here: the worker renders at delivery.
"""
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Case, Notification
from complaints.services.bulk import rows_insert
from complaints.services.enqueue import task_send_on_commit, tasks_send_on_commit
from complaints.services.outbox.context import TIME_ZONE, refs_plain
from complaints.services.outbox.email import DEFAULT_TIME_ZONE

# The task sent after commit normally delivers a row at once; the relay (the
# notifications sweep) takes it from here only if that did not happen within a minute.
SWEEP_GRACE = timedelta(minutes=1)
DELIVERY_CHUNK = 50
DELIVER_TASK = "complaints.tasks.notification_deliver_task"
DELIVER_MANY_TASK = "complaints.tasks.notifications_deliver_many_task"


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
            "next_attempt_at": (now or timezone.now()) + SWEEP_GRACE}


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
    task_send_on_commit(DELIVER_TASK, notification.pk,
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
    """After commit: hand unsent rows to the workers, DELIVERY_CHUNK per task."""
    ids = []
    for start in range(0, len(keys), 500):
        ids += Notification.objects.filter(
            key__in=keys[start:start + 500], status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    chunks = [(ids[start:start + DELIVERY_CHUNK],) for start in range(0, len(ids), DELIVERY_CHUNK)]
    # Already after commit: sent at once.
    tasks_send_on_commit(DELIVER_MANY_TASK, chunks, waiting=f"{len(ids)} notifications")


def notifications_resend(*, ids: list[int]) -> int:
    """Send again e-mails that failed (out of attempts, or waiting for their next one):
    each starts again from its first attempt, now, rendered from the data as it is then
    and with the same Message-ID. A sent e-mail is never sent twice. Returns how many."""
    with transaction.atomic():
        again = list(Notification.objects.filter(pk__in=ids,
                                                 status=Notification.Status.FAILED)
                     .values_list("pk", flat=True))
        Notification.objects.filter(pk__in=again).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
            failed_at=None)
        chunks = [(again[start:start + DELIVERY_CHUNK],)
                  for start in range(0, len(again), DELIVERY_CHUNK)]
        tasks_send_on_commit(DELIVER_MANY_TASK, chunks, waiting=f"{len(again)} notifications")
    return len(again)
