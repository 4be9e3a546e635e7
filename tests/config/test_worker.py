"""A real `celery worker` process, on the broker this run is configured with (the
embedded SQLite broker by default, Redis when REDIS_URL is set), delivers an
e-mail from the outbox to the end; webhooks that hang do not hold it up."""
import socket
import threading
import time

import pytest

from complaints.models import Notification, WebhookDelivery
from complaints.services.outbox import webhook_deliveries_write
from complaints.services.outbox.webhooks import ERROR_NO_CONNECTION, TIMEOUT_SECONDS
from complaints.services.webhooks import webhook_endpoint_create
from tests.factories import UserFactory, file_case
from tests.support.worker import mails_written, wait_for

HANGING = 3  # webhook deliveries whose receiver never answers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_sends_the_receipt(start_worker, creator):
    worker = start_worker()
    case = file_case(filer=creator)  # committed; the task goes to the broker after commit
    notification = Notification.objects.get(case=case)

    def sent():
        notification.refresh_from_db()
        return notification.status == Notification.Status.SENT

    wait_for(sent, what="the receipt to be sent", worker=worker)
    assert notification.attempts == 1
    # The whole log: output() is its tail, which tasks left on this process's queues by
    # earlier tests (consumed here first) may fill.
    worker.log.flush()
    output = worker.log_path.read_text()
    assert "notification_deliver_task" in output and "succeeded" in output
    [mail] = mails_written(worker.email_dir)
    assert case.reference in mail["Subject"]
    assert mail["To"] == creator.email


class SilentReceiver:
    """A webhook receiver that accepts every connection and never answers a byte."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0), backlog=32)
        self.server.settimeout(0.2)  # so the accepting thread sees `stop` in time
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(connection)

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in self.connections:
            connection.close()
        self.server.close()


@pytest.fixture
def silent_receiver():
    receiver = SilentReceiver()
    yield receiver
    receiver.stop()


def test_webhooks_that_never_answer_hold_up_no_ones_receipt(start_worker, creator,
                                                            silent_receiver):
    """Webhook deliveries have a queue and a worker of their own (as `make run` starts
    them): while another filer's receivers hang, a receipt still goes out in seconds."""
    emails, hooks = start_worker(), start_worker(queues=("webhooks",))
    wait_for(lambda: emails.ready() and hooks.ready(), timeout=60,
             what="both workers to be ready", worker=emails)
    other_filer = UserFactory()
    endpoints = [webhook_endpoint_create(
        owner=other_filer, url=f"http://127.0.0.1:{silent_receiver.port}/hook/{number}")
        for number in range(HANGING)]
    webhook_deliveries_write(endpoints=endpoints, event_id="case:1:status:1",
                             event_type="case.status_changed", payload={"id": 1})
    wait_for(lambda: silent_receiver.connections, timeout=30,
             what="a webhook delivery to hang", worker=hooks)

    started = time.monotonic()
    case = file_case(filer=creator)
    receipt = Notification.objects.get(case=case)

    def sent():
        receipt.refresh_from_db()
        return receipt.status == Notification.Status.SENT

    wait_for(sent, timeout=HANGING * TIMEOUT_SECONDS + 30, what="the receipt to be sent",
             worker=emails)
    took = time.monotonic() - started
    print(f"\nthe receipt went out {took:.1f} s after filing, webhooks hanging")
    assert took < 10, f"the receipt took {took:.1f} s behind hanging webhooks"
    [mail] = mails_written(emails.email_dir)
    assert mail["To"] == creator.email and case.reference in mail["Subject"]
    # The webhooks still hang (one at a time on their worker); each ends with its own
    # timeout, recorded for its filer.
    assert WebhookDelivery.objects.filter(status="pending").count() >= HANGING - 1
    wait_for(lambda: WebhookDelivery.objects.filter(attempts=1, status="failed").exists(),
             timeout=TIMEOUT_SECONDS + 20, what="a hanging delivery to time out", worker=hooks)
    ended = WebhookDelivery.objects.filter(status="failed").first()
    assert ended.last_error == ERROR_NO_CONNECTION
