"""The one delivery mechanism, on both channels (each test runs for e-mails and for webhook
deliveries): a failing send backs off and is retried, a row being sent is skipped by a
second worker, the last attempt gives up, and the relay finds the rows that are due."""
import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import WebhookEndpoint
from complaints.services import outbox
from complaints.services.outbox.delivery import backoff, deliver, due_ids
from tests.complaints.services.outbox.conftest import (
    a_webhook_delivery,
    an_email,
    refused_messages,
)

pytestmark = pytest.mark.django_db


def make_due(row) -> None:
    type(row).objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_new_row_is_left_to_the_relay_only_after_its_grace(channel):
    receiver, write = channel
    row = write()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.pk not in due_ids(receiver.channel)  # the task after commit sends it
    make_due(row)
    assert due_ids(receiver.channel) == [row.pk]


def test_a_failing_send_backs_off_and_is_retried(channel):
    receiver, write = channel
    row = write()
    receiver.fail()
    before = timezone.now()
    assert receiver.deliver(row) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "451" in row.last_error or "503" in row.last_error
    pause = backoff(receiver.channel, 1)
    assert before + pause <= row.next_attempt_at <= timezone.now() + pause

    # Before its time nothing sends it again, not even a duplicate task.
    receiver.fail(False)
    assert receiver.deliver(row) is False
    assert row.pk not in due_ids(receiver.channel)
    assert receiver.sent == []

    make_due(row)
    assert due_ids(receiver.channel) == [row.pk]
    assert receiver.deliver(row) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (receiver.channel.done_status, 2, "")
    assert row.next_attempt_at is None
    assert getattr(row, receiver.channel.done_at) is not None
    assert len(receiver.sent) == 1

    make_due(row)  # sent is final: a stray task or the relay sends nothing more
    assert receiver.deliver(row) is False and due_ids(receiver.channel) == []
    assert len(receiver.sent) == 1


def test_the_last_attempt_gives_up(channel):
    receiver, write = channel
    row = write()
    receiver.fail()
    for attempt in range(1, receiver.channel.max_attempts + 1):
        make_due(row)
        assert receiver.deliver(row) is False
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == receiver.channel.gave_up_status
    assert row.next_attempt_at is None and row.last_error
    receiver.fail(False)
    assert row.pk not in due_ids(receiver.channel)
    assert receiver.deliver(row) is False
    assert receiver.sent == []


def test_webhooks_give_up_after_eight_attempts_e_mails_after_twelve():
    assert outbox.WEBHOOKS.max_attempts == 8 and outbox.WEBHOOKS.gave_up_status == "gave_up"
    assert outbox.EMAIL.max_attempts == 12 and outbox.EMAIL.gave_up_status == "failed"


def test_one_backoff_rule_doubles_up_to_each_channels_cap():
    def waits(channel, attempts):
        return [backoff(channel, n).total_seconds() for n in range(1, attempts)]

    assert waits(outbox.WEBHOOKS, 8) == [60, 120, 240, 480, 960, 1920, 3840]
    assert backoff(outbox.WEBHOOKS, 20).total_seconds() == 6 * 3600
    assert waits(outbox.EMAIL, 13) == [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600]


def test_a_webhook_to_an_inactive_endpoint_is_given_up_without_an_attempt(
        webhook_receiver, creator):
    receiver = webhook_receiver
    delivery = a_webhook_delivery(creator)
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(active=False)
    assert receiver.deliver(delivery) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("gave_up", 0)
    assert delivery.last_error == "Endpoint inactive" and receiver.sent == []


def test_an_e_mail_keeps_its_message_id_on_every_attempt(email_receiver, creator):
    """(A webhook keeps its event id: tests/complaints/api/test_webhooks.py.)"""
    receiver = email_receiver
    row = an_email(creator)
    receiver.fail()
    receiver.deliver(row)
    make_due(row)
    receiver.fail(False)
    assert receiver.deliver(row) is True
    [refused] = refused_messages
    assert receiver.sent == [refused.extra_headers["Message-ID"]]
    assert receiver.sent == [f"<notification-{row.pk}@kotae.local>"]


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_is_skipped_by_a_second_worker(channel, monkeypatch):
    receiver, write = channel
    with monkeypatch.context() as broker:
        broker.setattr("complaints.services.enqueue.task_send", lambda *a: None)  # lost
        row = write()
    entered, release = threading.Event(), threading.Event()

    def slow_send(sending):
        entered.set()
        release.wait(10)
        receiver.channel.send(sending)

    slow = dataclasses.replace(receiver.channel, send=slow_send)
    results = {}

    def worker(name, channel):
        try:
            results[name] = deliver(channel, row.pk)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=("first", slow))
    first.start()
    assert entered.wait(10), "the first worker never started sending"
    second = threading.Thread(target=worker, args=("second", receiver.channel))
    second.start()
    if connection.vendor == "postgresql":
        second.join(10)  # skip_locked: it does not wait for the first worker
        assert results == {"second": False}
    else:
        time.sleep(0.3)  # SQLite has one writer at a time: it waits, then finds it sent
    release.set()
    first.join(10)
    second.join(20)
    assert results == {"first": True, "second": False}
    row.refresh_from_db()
    assert row.attempts == 1 and row.status == receiver.channel.done_status
    assert len(receiver.sent) == 1
