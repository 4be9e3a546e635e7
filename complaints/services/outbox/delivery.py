"""The one delivery mechanism of the outbox, for every channel (e-mail, webhooks).

A row waits in its table (PENDING) until a worker claims it: the row is locked while it
is sent (select_for_update with skip_locked, so a second worker skips it rather than
sending it again), the attempt is counted, the channel sends it, and the row is marked
sent, or failed with its next attempt after a growing pause, or given up after the
channel's last attempt. A failure is data on the row, never an exception for the caller.
The relay (a periodic task) hands `due_ids` back to the workers: rows whose hand-over
after commit was lost, and retries whose time has come.

A channel whose receivers may take long to answer (webhooks; e-mails, whose mail server
may take minutes to confirm) is sent with a lease instead
of a lock held throughout: the claim counts the attempt and moves the row's next attempt
past the lease, commits, and only then sends, so no transaction stays open while a
receiver makes us wait (on SQLite an open write transaction holds the whole database:
every request's writes would wait for the receiver). No other worker claims the row while
the lease runs; a worker that dies while sending leaves it for the relay when it ends.

A send whose whole message went out but whose receiver never confirmed it (an SMTP
server's final reply that did not come: `SendUncertain`) is not a failure: the receiver
may have it. The row is "uncertain", is not tried again on the growing pauses of a
failure, and waits the channel's `uncertain_wait` (an hour) before one more send with the
same identity, which a receiver that took the first can recognise as a copy.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from complaints.selectors.outbox import rows_waiting

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


class SendFailed(Exception):
    """A channel's send did not succeed; its message is recorded as the row's last error
    as it is (other exceptions are recorded as "<type>: <message>")."""


class SendRefused(Exception):
    """The receiver refused the row for good (it says what it sent is invalid: an HTTP
    422): recorded with its message and never tried again."""


class SendUncertain(Exception):
    """The whole message went out, then no answer: the receiver may or may not have it
    (see the module's docstring). Its message is recorded as the row's last error."""


@dataclass(frozen=True)
class Channel:
    """How one kind of row is delivered. The row's model has the outbox's fields:
    status (with PENDING and FAILED), attempts, last_error, next_attempt_at and the time
    it was delivered (`done_at`)."""

    name: str  # for the log: "Notification", "Webhook delivery"
    model: type[models.Model]
    send: Callable[[models.Model], None]  # raises when the row was not delivered
    done_status: str
    done_at: str
    # The status of a row after its last attempt failed (e-mails stay "failed", with no
    # next attempt; webhooks say "gave up").
    gave_up_status: str
    max_attempts: int
    backoff_base_seconds: int
    backoff_max_seconds: int
    relay_limit: int
    # Fields `send` fills in, saved with the outcome (what was sent, the answer).
    recorded: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # select_related when the row is claimed
    # The reason a row cannot be sent at all (given up without an attempt), or "".
    refusal: Callable[[models.Model], str] | None = None
    # The field that records when a row was given up, if its model has one.
    gave_up_at: str = ""
    # Sent outside any transaction, the row claimed for this long (see the docstring);
    # longer than the delivery task's hard time limit. None: sent with the row locked.
    lease: timedelta | None = None
    # The status of a row whose send may have arrived (`SendUncertain`), and how long it
    # waits before it is sent again; "" for a channel that does not tell. Its model has
    # uncertain_at, uncertain_count and uncertain_resends.
    uncertain_status: str = ""
    uncertain_wait: Callable[[], timedelta] | None = None
    # The status of a row its receiver refused for good (`SendRefused`); "": gave up.
    refused_status: str = ""


def backoff(channel: Channel, attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt: doubling from the channel's base,
    never longer than its maximum."""
    return timedelta(seconds=min(2 ** attempts * channel.backoff_base_seconds,
                                 channel.backoff_max_seconds))


def _claimable(channel: Channel) -> Q:
    """A new row, or a failed one whose next attempt is due (a duplicate task must not
    skip the pause; a sent or given-up row is never claimed). With a lease, a new row
    is one never attempted: one being sent waits for its lease to end."""
    status = channel.model.Status
    due = Q(status__in=_retried(channel), next_attempt_at__lte=timezone.now())
    if channel.lease is None:
        return Q(status=status.PENDING) | due
    return (Q(status=status.PENDING, attempts=0) | due
            | Q(status=status.PENDING, next_attempt_at__lte=timezone.now()))


def _uncertain_counted(channel: Channel) -> list[str]:
    return ["uncertain_at", "uncertain_count", "uncertain_resends"] \
        if channel.uncertain_status else []


def _retried(channel: Channel) -> list[str]:
    """The statuses of rows that wait for a next attempt."""
    failed = channel.model.Status.FAILED
    return [failed, channel.uncertain_status] if channel.uncertain_status else [failed]


def _claim(channel: Channel, pk: int):
    rows = channel.model.objects.select_for_update(skip_locked=True, of=("self",))
    if channel.related:  # select_related() with no names would follow every foreign key
        rows = rows.select_related(*channel.related)
    return rows.filter(_claimable(channel), pk=pk).first()


def deliver(channel: Channel, pk: int) -> bool:
    """Send one row if it is still to send and due. Returns True when it was sent now.

    The row stays locked until its outcome is saved (or, for a channel with a lease, is
    claimed for the lease), so two workers never send it at once. If the process dies
    after the channel's send succeeded and before the outcome is saved, the row is sent
    again later: the one window where a delivery can arrive twice (the channels make it
    recognisable: an e-mail keeps its Message-ID, a webhook its event id).
    """
    if channel.lease is not None:
        with transaction.atomic():
            row = _claim_for_attempt(channel, pk)
            if row is not None:
                row.next_attempt_at = timezone.now() + channel.lease
                row.save(update_fields=["attempts", "next_attempt_at",
                                        *_uncertain_counted(channel)])
        return row is not None and _send(channel, row)
    with transaction.atomic():
        row = _claim_for_attempt(channel, pk)
        return row is not None and _send(channel, row)


def _claim_for_attempt(channel: Channel, pk: int):
    """The row, claimed, its attempt counted; None if it is not to be sent now."""
    row = _claim(channel, pk)
    if row is None:
        return None
    reason = channel.refusal(row) if channel.refusal else ""
    if reason:
        _gave_up(channel, row, reason)
        return None
    row.attempts += 1
    if channel.uncertain_status and row.status == channel.uncertain_status:
        row.uncertain_resends += 1  # a possible copy: counted, for the staff's figures
    return row


def _send(channel: Channel, row) -> bool:
    """Send the claimed row and save the outcome. True when it was delivered."""
    try:
        channel.send(row)
    except SendUncertain as exc:
        _uncertain(channel, row, str(exc))
        return False
    except SendRefused as exc:
        _refused(channel, row, str(exc))
        return False
    except SendFailed as exc:  # the receiver's failure is data, not a crash
        _failed(channel, row, str(exc))
        return False
    except OSError as exc:  # no answer (refused, timed out; SMTP errors are OSErrors)
        _failed(channel, row, f"{type(exc).__name__}: {exc}")
        return False
    except Exception as exc:  # a bug (a template, a missing row): data too, and loud
        logger.exception("%s %s: delivery raised", channel.name, row.pk)
        _failed(channel, row, f"{type(exc).__name__}: {exc}")
        return False
    _delivered(channel, row)
    return True


def _save(channel: Channel, row, fields: list[str]) -> None:
    # An UPDATE, not save(): a row deleted meanwhile (its webhook removed while a leased
    # send ran) is left deleted, not an error.
    fields = [*fields, *channel.recorded, *_uncertain_counted(channel)]
    type(row).objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})


def _delivered(channel: Channel, row) -> None:
    row.status = channel.done_status
    setattr(row, channel.done_at, timezone.now())
    row.next_attempt_at = None
    row.last_error = ""
    _save(channel, row, ["status", channel.done_at, "attempts", "next_attempt_at",
                         "last_error"])


def _failed(channel: Channel, row, error: str) -> None:
    logger.warning("%s %s not delivered: %s", channel.name, row.pk, error)
    row.last_error = error[:ERROR_MAX_LENGTH]
    if row.attempts >= channel.max_attempts:
        row.status = channel.gave_up_status
        row.next_attempt_at = None
        fields = _given_up_now(channel, row)
    else:
        row.status = channel.model.Status.FAILED
        row.next_attempt_at = timezone.now() + backoff(channel, row.attempts)
        fields = []
    _save(channel, row, ["status", "attempts", "last_error", "next_attempt_at", *fields])


def _refused(channel: Channel, row, error: str) -> None:
    logger.warning("%s %s refused by its receiver: %s", channel.name, row.pk, error)
    row.status = channel.refused_status or channel.gave_up_status
    row.next_attempt_at = None
    row.last_error = error[:ERROR_MAX_LENGTH]
    fields = _given_up_now(channel, row)
    _save(channel, row, ["status", "attempts", "last_error", "next_attempt_at", *fields])


def _uncertain(channel: Channel, row, error: str) -> None:
    """The message went out and was not confirmed: wait long, then send it once more (out
    of attempts, it is given up as a failure is, counted all the same)."""
    logger.warning("%s %s sent, not confirmed: %s", channel.name, row.pk, error)
    row.uncertain_at = timezone.now()
    row.uncertain_count += 1
    if channel.uncertain_wait is None or row.attempts >= channel.max_attempts:
        _failed(channel, row, error)
        return
    row.last_error = error[:ERROR_MAX_LENGTH]
    row.status = channel.uncertain_status
    row.next_attempt_at = row.uncertain_at + channel.uncertain_wait()
    _save(channel, row, ["status", "attempts", "last_error", "next_attempt_at"])


def _given_up_now(channel: Channel, row) -> list[str]:
    """Record the moment a row was given up, where its model keeps it: the fields to save."""
    if not channel.gave_up_at:
        return []
    setattr(row, channel.gave_up_at, timezone.now())
    return [channel.gave_up_at]


def _gave_up(channel: Channel, row, reason: str) -> None:
    logger.info("%s %s given up: %s", channel.name, row.pk, reason)
    row.status = channel.gave_up_status
    row.next_attempt_at = None
    row.last_error = reason[:ERROR_MAX_LENGTH]
    row.save(update_fields=["status", "next_attempt_at", "last_error",
                            *_given_up_now(channel, row)])


def waiting(channel: Channel):
    """Rows still to be delivered (complaints.selectors.outbox says which)."""
    return rows_waiting(channel.model)


def due_ids(channel: Channel, *, limit: int | None = None) -> list[int]:
    """Ids of rows whose (next) attempt is due, oldest first: for the relay."""
    return list(waiting(channel).filter(next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)[:limit or channel.relay_limit])
