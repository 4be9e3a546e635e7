"""Webhooks are sent outside any transaction: the row is claimed for a lease, so a
receiver that makes us wait holds no lock on the database (on SQLite, none on every
other write), and yet no second worker sends the row while the lease runs."""
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import WebhookDelivery
from complaints.services.outbox import WEBHOOKS, webhook_deliver
from complaints.services.outbox.delivery import due_ids
from complaints.services.webhooks import webhook_endpoint_delete
from tests.complaints.services.outbox.conftest import a_webhook_delivery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_hand_over(monkeypatch):
    """The rows wait for the test to deliver them (not for the task after commit)."""
    monkeypatch.setattr("complaints.services.outbox.webhooks.tasks_send_on_commit",
                        lambda *a, **k: None)


class WorkerDied(BaseException):
    """What a worker killed in the middle of a POST leaves: nothing saved after it."""


def test_a_webhook_is_posted_outside_a_transaction_and_sent_once(creator, monkeypatch):
    row = a_webhook_delivery(creator)
    seen = {}

    def post(url, body, headers):
        seen["in_transaction"] = connection.in_atomic_block
        seen["second_worker_sent"] = webhook_deliver(delivery_id=row.pk)
        seen["row"] = WebhookDelivery.objects.get(pk=row.pk)
        return 200

    monkeypatch.setattr("complaints.services.outbox.webhooks._post", post)
    assert webhook_deliver(delivery_id=row.pk) is True
    assert seen["in_transaction"] is False
    assert seen["second_worker_sent"] is False
    # While it was being sent, the row showed its attempt, and no attempt due before the
    # lease ends.
    assert seen["row"].attempts == 1
    assert seen["row"].next_attempt_at > timezone.now() + WEBHOOKS.lease - timedelta(minutes=1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("delivered", 1, None)


def test_a_row_whose_worker_died_while_posting_is_sent_after_its_lease(creator, monkeypatch):
    row = a_webhook_delivery(creator)

    def die(url, body, headers):
        raise WorkerDied

    monkeypatch.setattr("complaints.services.outbox.webhooks._post", die)
    with pytest.raises(WorkerDied):
        webhook_deliver(delivery_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.pk not in due_ids(WEBHOOKS)
    monkeypatch.setattr("complaints.services.outbox.webhooks._post", lambda *a: 200)
    assert webhook_deliver(delivery_id=row.pk) is False  # a duplicate task: the lease holds

    WebhookDelivery.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))  # the lease has ended
    assert due_ids(WEBHOOKS) == [row.pk]
    assert webhook_deliver(delivery_id=row.pk) is True
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)


def test_a_webhook_deleted_while_its_delivery_is_posted_is_no_error(creator, monkeypatch):
    row = a_webhook_delivery(creator)

    def post(url, body, headers):
        webhook_endpoint_delete(endpoint=row.endpoint)  # the filer removes it meanwhile
        return 200

    monkeypatch.setattr("complaints.services.outbox.webhooks._post", post)
    assert webhook_deliver(delivery_id=row.pk) is True
    assert not WebhookDelivery.objects.filter(pk=row.pk).exists()
