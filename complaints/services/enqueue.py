"""Hand work to the Celery workers after the transaction commits, by task name.

A service names the task (`"complaints.tasks.notification_deliver_task"`) instead of
importing it, so services never import `complaints.tasks` — which imports the services —
and there is no import circle. A broker that is down never fails the user's request: the
row the task was about stays due, and the relay or sweep sends it later.
"""
import logging
import threading
from functools import partial

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


# What a broker that is down or unreachable raises while a task is sent.
BROKER_ERRORS = (OSError, OperationalError)


# Celery's autodiscovery returns at once, importing nothing, while another thread is in
# it (celery/loaders/base.py, _RACE_PROTECTION): threads of one web process that send
# their first task together take turns here instead.
_discovery = threading.Lock()


def _registered(app, name: str):
    """The task of that name; the tasks module is imported (autodiscovered) on first use.
    A name no task has is a bug, raised at once, never left to a worker's log."""
    with _discovery:
        if name not in app.tasks:
            app.autodiscover_tasks(force=True)
    if name not in app.tasks:
        raise LookupError(f"No Celery task is named {name!r}.")
    return app.tasks[name]


def task_send(name: str, *args) -> None:
    """Send the task now. In eager mode (the test settings) it runs here, as `.delay` would."""
    app = current_app
    if app.conf.task_always_eager:
        _registered(app, name).delay(*args)
    else:  # by name alone: the web process need not import the tasks (the tests check names)
        app.send_task(name, args=list(args))


def _send_quietly(name: str, arg_sets: list[tuple], waiting: str) -> None:
    eager = current_app.conf.task_always_eager
    if eager:
        _registered(current_app, name)  # outside the try: a wrong name is no broker outage
    try:
        for args in arg_sets:
            task_send(name, *args)
    except Exception as exc:
        if eager and not isinstance(exc, BROKER_ERRORS):
            raise  # the task ran here and failed: a bug to see, not a broker to wait for
        # Whatever the transport raises, the broker's failure must not become the user's.
        logger.warning("%s waits for the relay: %s", waiting, exc, exc_info=True)


def task_send_on_commit(name: str, *args, waiting: str = "Work") -> None:
    """Send the task once the current transaction commits (at once outside one).

    `waiting` says, in the log, what is left for the relay if the broker is down."""
    transaction.on_commit(partial(_send_quietly, name, [args], waiting))


def tasks_send_on_commit(name: str, arg_sets: list[tuple], waiting: str = "Work") -> None:
    """One task per set of arguments, after commit; the first broker failure stops the
    rest (they are all left for the relay) rather than waiting on a dead broker N times."""
    if arg_sets:
        transaction.on_commit(partial(_send_quietly, name, list(arg_sets), waiting))
