"""Services send tasks by name after commit (complaints/services/enqueue.py)."""
import logging

import pytest
from celery import current_app

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
