"""The outbox: e-mails and webhook deliveries are rows written in the transaction that
caused them, handed to a worker after commit, and delivered by one mechanism
(`delivery`): locked while sent, attempts counted, retried with a growing pause, given up
after the channel's last attempt; the relay sends what the hand-over missed.

E-mails store what they are rendered from (ids and plain values, `context`) and are
rendered by the worker at each attempt (`email`); webhooks are signed POSTs (`webhooks`).

This is the one part of `complaints` that `accounts` may import: what is exported here.
"""
from dataclasses import dataclass
from datetime import datetime

from complaints.services.outbox import delivery
from complaints.services.outbox.context import case_link
from complaints.services.outbox.email import EMAIL
from complaints.services.outbox.webhooks import WEBHOOKS, webhook_deliveries_write
from complaints.services.outbox.writes import (
    Recipient,
    filer_notify,
    notification_build,
    notifications_enqueue_keys,
    notifications_insert,
    notifications_resend,
    notify,
)

__all__ = [
    "EMAIL", "WEBHOOKS", "OutboxFigures", "Recipient", "case_link", "filer_notify",
    "notification_build", "outbox_figures",
    "notification_deliver", "notifications_due_ids", "notifications_enqueue_keys",
    "notifications_insert", "notifications_resend", "notify", "oldest_pending_age",
    "webhook_deliver", "webhook_deliveries_due_ids", "webhook_deliveries_write",
]


def notification_deliver(*, notification_id: int) -> bool:
    """Send one e-mail if it is still to send and due. True when it was sent now."""
    return delivery.deliver(EMAIL, notification_id)


def notifications_due_ids(*, limit: int | None = None) -> list[int]:
    """E-mails that should have gone out and have not: for the notifications sweep."""
    return delivery.due_ids(EMAIL, limit=limit)


def oldest_pending_age() -> float | None:
    """Seconds since the oldest unsent e-mail was written (None when all are sent)."""
    return delivery.oldest_waiting_age(EMAIL)


def webhook_deliver(*, delivery_id: int) -> bool:
    """POST one webhook delivery if it is still to send and due. True when delivered now."""
    return delivery.deliver(WEBHOOKS, delivery_id)


def webhook_deliveries_due_ids(*, limit: int | None = None) -> list[int]:
    """Webhook deliveries whose (next) attempt is due: for the relay."""
    return delivery.due_ids(WEBHOOKS, limit=limit)


@dataclass(frozen=True)
class OutboxFigures:
    """How the outbox stands, for the staff's health page (never the public)."""

    emails_waiting: int  # new, or failed with an attempt to come
    emails_retrying: int  # of those, failed at least once
    emails_failed_for_good: int  # out of attempts: only the desk sends them again
    oldest_waiting_seconds: float | None
    last_failed_at: datetime | None
    webhooks_waiting: int
    webhooks_given_up: int

    @property
    def oldest_waiting_minutes(self) -> int | None:
        seconds = self.oldest_waiting_seconds
        return None if seconds is None else int(seconds // 60)


def outbox_figures() -> OutboxFigures:
    """The outbox's figures, each an indexed count (status, next attempt)."""
    emails = EMAIL.model.objects
    status = EMAIL.model.Status
    failed_for_good = emails.filter(status=status.FAILED, next_attempt_at__isnull=True)
    webhooks = WEBHOOKS.model.objects
    webhook_status = WEBHOOKS.model.Status
    return OutboxFigures(
        emails_waiting=delivery.waiting(EMAIL).count(),
        emails_retrying=emails.filter(status=status.FAILED,
                                      next_attempt_at__isnull=False).count(),
        emails_failed_for_good=failed_for_good.count(),
        oldest_waiting_seconds=oldest_pending_age(),
        last_failed_at=(failed_for_good.order_by("-failed_at")
                        .values_list("failed_at", flat=True).first()),
        webhooks_waiting=delivery.waiting(WEBHOOKS).count(),
        webhooks_given_up=webhooks.filter(status=webhook_status.GAVE_UP).count())
