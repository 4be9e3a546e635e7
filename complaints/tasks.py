"""Thin Celery tasks: they take ids and call a service.

Each has an explicit name, the one services send it by (complaints.services.enqueue)
and beat schedules it by; the names are those Celery gave them before, so messages
already queued still find their task. This is the one module that imports both Celery
and the services."""
import math

from celery import shared_task
from django.db import DatabaseError

from accounts.sessions import sessions_clear_expired
from complaints.services.dsa_statements import dsa_statement_deliver, dsa_statements_due_ids
from complaints.services.evidence import staged_uploads_purge
from complaints.services.outbox import (
    notification_deliver,
    notifications_deliver_batch,
    notifications_relay,
    send_worst_case_seconds,
    webhook_deliver,
    webhook_deliveries_due_ids,
)
from complaints.services.sweep import failed_emails_summarise, staff_digests_send
from complaints.services.sweep_runs import deadlines_sweep_recorded
from complaints.services.transparency import transparency_refresh

# E-mail tasks' time limits, sized from the SMTP timeouts (complaints.services.outbox.smtp:
# 10 s to connect, a minute a command, 10 min for the final reply; about 21 min at worst),
# so that no worker is stopped in the middle of a send, which would leave the mail server
# with a message we recorded as failed. Each task has its own limits: the global ones stay
# short for everything else. A task of many e-mails starts sends for START_SENDS_WITHIN
# seconds, then leaves the rest due for the relay. Hard limits stay below the Redis
# broker's visibility timeout (an hour), or the broker would hand the task out twice.
SEND_WORST_CASE = math.ceil(send_worst_case_seconds())
START_SENDS_WITHIN = 240
DELIVER_ONE_SOFT_LIMIT = SEND_WORST_CASE + 30
DELIVER_MANY_SOFT_LIMIT = START_SENDS_WITHIN + SEND_WORST_CASE + 30


@shared_task(
    name="complaints.tasks.notification_deliver_task",
    acks_late=True,  # idempotent: a redelivered task finds the row already sent
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    time_limit=DELIVER_ONE_SOFT_LIMIT + 30,
    soft_time_limit=DELIVER_ONE_SOFT_LIMIT,
)
def notification_deliver_task(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(
    name="complaints.tasks.notifications_deliver_many_task",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    time_limit=DELIVER_MANY_SOFT_LIMIT + 30,
    soft_time_limit=DELIVER_MANY_SOFT_LIMIT,
)
def notifications_deliver_many_task(notification_ids: list[int]) -> int:
    """Deliver a chunk of the rows one sweep wrote; each row is sent at most once."""
    return notifications_deliver_batch(notification_ids=notification_ids,
                                       start_within=START_SENDS_WITHIN)


@shared_task(name="complaints.tasks.notifications_sweep",
             acks_late=True, time_limit=300, soft_time_limit=280)
def notifications_sweep() -> int:
    """The relay: hand back to the workers, each on its queue, what delivery after commit
    missed (broker or mail server was down). It sends nothing itself, so it never holds
    up the deadline sweep on its queue."""
    return notifications_relay()


@shared_task(name="complaints.tasks.staged_uploads_purge_task",
             acks_late=True, time_limit=600, soft_time_limit=580)
def staged_uploads_purge_task() -> int:
    """Delete files kept for filings that were never sent (older than a day)."""
    return staged_uploads_purge()


@shared_task(name="complaints.tasks.sessions_clear_task",
             acks_late=True, time_limit=600, soft_time_limit=580)
def sessions_clear_task() -> int:
    """Delete expired sessions (with the drafts they kept)."""
    return sessions_clear_expired()


@shared_task(name="complaints.tasks.deadlines_sweep_task",
             acks_late=True, time_limit=280, soft_time_limit=250)
def deadlines_sweep_task() -> int:
    """Warnings, breaches, filer reminders and auto-closes whose time has come (the run is
    recorded for the metrics)."""
    return deadlines_sweep_recorded()


@shared_task(name="complaints.tasks.staff_digests_task",
             acks_late=True, time_limit=280, soft_time_limit=250)
def staff_digests_task() -> int:
    """The 09:00 digest for each operator, in their own time zone."""
    return staff_digests_send()


@shared_task(name="complaints.tasks.failed_emails_summary_task",
             acks_late=True, time_limit=120, soft_time_limit=100)
def failed_emails_summary_task() -> int:
    """The supervisors' summary of e-mails given up, at most one an hour."""
    return failed_emails_summarise()


@shared_task(
    name="complaints.tasks.webhook_deliver_task",
    acks_late=True,  # idempotent: a redelivered task finds the row delivered (or not due)
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    time_limit=60,
    soft_time_limit=45,
)
def webhook_deliver_task(delivery_id: int) -> bool:
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name="complaints.tasks.webhooks_relay",
             acks_late=True, time_limit=120, soft_time_limit=100)
def webhooks_relay() -> int:
    """Hand due webhook deliveries and DSA statements of reasons, the outbound POSTs
    (retries, and what after-commit missed), to workers, one task each, so that a slow
    receiver holds up nobody else's."""
    due = webhook_deliveries_due_ids()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    statements = dsa_statements_due_ids()
    for submission_id in statements:
        dsa_statement_deliver_task.delay(submission_id)
    return len(due) + len(statements)


@shared_task(name="complaints.tasks.transparency_refresh_task",
             acks_late=True, time_limit=280, soft_time_limit=250)
def transparency_refresh_task() -> int:
    """Recompute the public transparency figures; the page reads the stored snapshot."""
    return transparency_refresh().pk


@shared_task(
    name="complaints.tasks.dsa_statement_deliver_task",
    acks_late=True,  # idempotent: a redelivered task finds the row sent (or not due)
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    time_limit=60,
    soft_time_limit=45,
)
def dsa_statement_deliver_task(submission_id: int) -> bool:
    return dsa_statement_deliver(submission_id=submission_id)

