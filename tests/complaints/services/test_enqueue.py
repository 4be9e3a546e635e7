"""Services send tasks by name after commit (complaints/services/enqueue.py)."""
import logging
import time

import pytest
from celery import current_app
from kombu.exceptions import OperationalError

from complaints.services import enqueue
from complaints.services.outbox import webhooks as outbox_webhooks
from complaints.services.outbox import writes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [writes.DELIVER_TASK, writes.DELIVER_MANY_TASK,
                                  outbox_webhooks.DELIVER_TASK])
def test_every_name_a_service_sends_is_a_registered_task(name):
    assert enqueue._registered(current_app, name).name == name


def test_a_name_no_task_has_fails_loudly_at_commit(on_commit):
    with pytest.raises(LookupError, match="complaints.tasks.no_such_task"):
        with on_commit():
            enqueue.task_send_on_commit("complaints.tasks.no_such_task", 1)


def test_a_broker_that_is_down_is_logged_and_the_caller_goes_on(monkeypatch, on_commit,
                                                                 caplog):
    def broker_down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="complaints.services.enqueue"):
        with on_commit():
            enqueue.task_send_on_commit(writes.DELIVER_TASK, 1, waiting="Notification 1")
    assert "Notification 1 waits for the relay: broker unreachable" in caplog.text


def test_a_task_that_fails_in_eager_mode_is_not_taken_for_a_broker(monkeypatch, on_commit):
    def task_bug(*args, **kwargs):
        raise ZeroDivisionError("a bug in the task")

    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay", task_bug)
    with pytest.raises(ZeroDivisionError), on_commit():
        enqueue.task_send_on_commit(writes.DELIVER_TASK, 1)


def test_threads_sending_their_first_task_together_all_find_it():
    """Celery's autodiscovery returns at once, importing nothing, while another thread is
    in it; two web threads sending their first task together once got a LookupError (a
    500 after the filing was saved). A stand-in app with that behaviour:"""
    import threading
    import time

    class App:
        tasks: dict = {}
        busy = False

        def autodiscover_tasks(self, force):
            if App.busy:  # as celery/loaders/base.py's _RACE_PROTECTION
                return
            App.busy = True
            time.sleep(0.2)  # importing complaints.tasks
            App.tasks = {"complaints.tasks.x": "the task"}
            App.busy = False

    found, failed = [], []

    def first_send():
        try:
            found.append(enqueue._registered(App(), "complaints.tasks.x"))
        except LookupError as exc:
            failed.append(exc)

    threads = [threading.Thread(target=first_send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert failed == [] and found == ["the task", "the task"]


@pytest.fixture
def not_eager():
    """Sent to a broker, as in production (the test settings run tasks in-process)."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = previous


def test_after_a_broker_failure_hand_offs_wait_for_the_relay_for_a_while(
        monkeypatch, not_eager, on_commit, caplog):
    """A broker that is down or frozen costs one request its timeout, not every request:
    for KOTAE_BROKER_PAUSE_SECONDS after a failure nothing is sent (the relay sends the
    rows), and the failure is logged once."""
    attempts = []

    def broker_down(name, args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    with caplog.at_level(logging.INFO, logger="complaints.services.enqueue"):
        for pk in (1, 2, 3):
            with on_commit():
                enqueue.task_send_on_commit(writes.DELIVER_TASK, pk,
                                            waiting=f"Notification {pk}")
    assert attempts == [[1]]
    assert caplog.text.count("Broker unavailable") == 1
    assert "Notification 3 waits for the relay: the broker failed a moment ago" in caplog.text

    enqueue.broker_pause().end()  # the pause is over: the next hand-off tries again
    with on_commit():
        enqueue.task_send_on_commit(writes.DELIVER_TASK, 4)
    assert attempts == [[1], [4]]


def test_a_hand_off_stops_retrying_when_its_deadline_would_pass(monkeypatch, not_eager,
                                                                on_commit):
    """kombu retries a failed publish (after reconnecting); the hand-off lets it only
    while another attempt, as long as the first, would end before its deadline."""
    attempts = []

    def slow_then_failing(name, args, retry_policy, **kwargs):
        for _ in range(5):  # as kombu's retry loop, calling the errback between attempts
            attempts.append(args)
            time.sleep(0.4)
            retry_policy["errback"](OSError("timed out"), 0)
        raise AssertionError("the errback let every retry through")

    monkeypatch.setattr(current_app, "send_task", slow_then_failing)
    started = time.monotonic()
    with on_commit():
        enqueue.task_send_on_commit(writes.DELIVER_TASK, 1)
    assert time.monotonic() - started < 1.1
    assert len(attempts) == 2  # 0.4 s, then one more that ends at 0.8 s, within 1 s
