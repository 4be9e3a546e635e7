"""The outbox: e-mails and webhook deliveries are rows written in the transaction that
caused them, handed to a worker after commit, and delivered by one mechanism
(`delivery`): locked while sent, attempts counted, retried with a growing pause, given up
after the channel's last attempt; the relay sends what the hand-over missed.

E-mails store what they are rendered from (ids and plain values, `context`) and are
rendered by the worker at each attempt (`email`); webhooks are signed POSTs (`webhooks`).

This is the one part of `complaints` that `accounts` may import: what is exported here.
"""
import logging
import time

from complaints.services.outbox import delivery
from complaints.services.outbox.context import case_link
from complaints.services.outbox.email import EMAIL
from complaints.services.outbox.smtp import send_worst_case_seconds
from complaints.services.outbox.webhooks import WEBHOOKS, webhook_deliveries_write
from complaints.services.outbox.writes import (
    Recipient,
    filer_notify,
    notification_build,
    notifications_enqueue_keys,
    notifications_hand_over,
    notifications_insert,
    notifications_resend,
    notify,
)

logger = logging.getLogger(__name__)

__all__ = [
    "EMAIL", "WEBHOOKS", "Recipient", "case_link", "filer_notify",
    "notification_build",
    "notification_deliver", "notifications_deliver_batch", "notifications_due_ids",
    "notifications_enqueue_keys", "notifications_insert", "notifications_relay",
    "notifications_resend", "notify", "send_worst_case_seconds",
    "webhook_deliver", "webhook_deliveries_due_ids", "webhook_deliveries_write",
]


def notification_deliver(*, notification_id: int) -> bool:
    """Send one e-mail if it is still to send and due. True when it was sent now."""
    return delivery.deliver(EMAIL, notification_id)


def notifications_deliver_batch(*, notification_ids: list[int], start_within: float) -> int:
    """Send the e-mails one by one, starting a send only within `start_within` seconds:
    a task whose soft time limit is that plus the slowest possible send
    (`send_worst_case_seconds`) is never stopped in the middle of one. What it did not
    start stays due, for the relay. Returns how many were sent now."""
    stop_starting = time.monotonic() + start_within
    sent = 0
    for done, notification_id in enumerate(notification_ids):
        if time.monotonic() >= stop_starting:
            logger.info("%s e-mails left for the relay: out of time to start another send",
                        len(notification_ids) - done)
            break
        sent += notification_deliver(notification_id=notification_id)
    return sent


def notifications_due_ids(*, limit: int | None = None) -> list[int]:
    """E-mails that should have gone out and have not: for the notifications sweep."""
    return delivery.due_ids(EMAIL, limit=limit)


def notifications_relay() -> int:
    """The e-mail relay (beat, every minute): hand what is due and not sent (a hand-over
    after commit lost, a retry whose time has come) back to the workers, each on its
    queue. Returns how many were handed over."""
    return notifications_hand_over(ids=notifications_due_ids())


def webhook_deliver(*, delivery_id: int) -> bool:
    """POST one webhook delivery if it is still to send and due. True when delivered now."""
    return delivery.deliver(WEBHOOKS, delivery_id)


def webhook_deliveries_due_ids(*, limit: int | None = None) -> list[int]:
    """Webhook deliveries whose (next) attempt is due: for the relay."""
    return delivery.due_ids(WEBHOOKS, limit=limit)
