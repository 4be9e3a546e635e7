"""Queues by urgency, with real worker processes as `make run` starts them (one serves the
sweep and interactive e-mail, the other bulk e-mail and webhooks): behind a backlog of
300 bulk e-mails from a slow mail server, a sweep still runs, and a filer's receipt still
goes out, within seconds. (With one queue for everything, both waited behind the whole
backlog: issue 17, finding 4.)"""
import time

import pytest

from complaints.models import Deadline, Notification
from complaints.services.enqueue import task_send
from complaints.services.outbox import notification_build, notifications_insert
from complaints.services.outbox.writes import DELIVER_MANY_TASK
from tests.factories import due_cases, file_case
from tests.support.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BACKLOG = 300  # bulk e-mail tasks, one e-mail each
SLOW = 0.1  # seconds the mail server takes per e-mail: a backlog of about 30 s
WITHIN = 5  # seconds a sweep or a receipt may take behind it


@pytest.fixture
def backlog(start_worker, operator):
    """The two workers of `make run`, and BACKLOG digests queued on "bulk" before
    anything else, each taking its worker SLOW seconds to send. Returns the workers."""
    slow = {"KOTAE_TEST_EMAIL_PAUSE": "slow", "KOTAE_TEST_EMAIL_SLOW": str(SLOW),
            "KOTAE_TEST_EAGER": "false"}  # what a task sends goes to its queue
    urgent = start_worker(queues=("sweep", "interactive"), **slow)
    bulk = start_worker(queues=("bulk", "webhooks"), **slow)
    wait_for(lambda: urgent.ready() and bulk.ready(), timeout=60,
             what="both workers to be ready", worker=urgent)
    refs = {"count": 0, "overdue_ids": [], "today_ids": [], "queue_url": "http://x/"}
    keys = notifications_insert([
        notification_build(key=f"digest:{n}", template="staff_digest", recipient=operator,
                           refs=refs) for n in range(BACKLOG)])
    for pk in Notification.objects.filter(key__in=keys).values_list("pk", flat=True):
        task_send(DELIVER_MANY_TASK, [pk])
    digests = Notification.objects.filter(kind=Notification.Kind.STAFF_DIGEST)
    wait_for(lambda: digests.filter(status=Notification.Status.SENT).exists(), timeout=60,
             what="the backlog to start", worker=bulk)
    return urgent, bulk, digests


def _unsent(digests) -> int:
    return digests.exclude(status=Notification.Status.SENT).count()


def test_a_sweep_runs_within_seconds_behind_a_bulk_backlog(backlog, creator, operator):
    urgent, bulk, digests = backlog
    [case_id] = due_cases(1, filer=creator, assignee=operator)
    clock = Deadline.objects.get(case_id=case_id)

    started = time.monotonic()
    task_send("complaints.tasks.deadlines_sweep_task")  # as beat sends it

    def swept():
        clock.refresh_from_db()
        return clock.breached_at is not None

    wait_for(swept, timeout=BACKLOG * SLOW + 60, what="the sweep", worker=urgent)
    took = time.monotonic() - started
    left = _unsent(digests)
    print(f"\nthe sweep ran {took:.1f} s after it was sent, {left} bulk e-mails still queued")
    assert took < WITHIN, f"the sweep waited {took:.1f} s behind the bulk e-mail"
    assert left > BACKLOG / 2  # it did not wait for the backlog: that is still there
    # Its own e-mails (the late notice, the breach) are bulk: they queue behind the rest.
    assert Notification.objects.filter(case_id=case_id).count() == 2


def test_a_receipt_goes_out_within_seconds_behind_a_bulk_backlog(backlog, creator):
    urgent, bulk, digests = backlog
    case = file_case(filer=creator)  # committed; its receipt is handed over after commit
    receipt = Notification.objects.get(case=case, kind=Notification.Kind.CASE_RECEIPT)

    def sent():
        receipt.refresh_from_db()
        return receipt.status == Notification.Status.SENT

    wait_for(sent, timeout=BACKLOG * SLOW + 60, what="the receipt", worker=urgent)
    took = (receipt.sent_at - receipt.created_at).total_seconds()
    left = _unsent(digests)
    print(f"\nthe receipt went out {took:.1f} s after filing, {left} bulk e-mails still queued")
    assert took < WITHIN, f"the receipt waited {took:.1f} s behind the bulk e-mail"
    assert left > BACKLOG / 2
