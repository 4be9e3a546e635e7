"""Hand work to the Celery workers after the transaction commits, by task name.

A service names the task (`"complaints.tasks.notification_deliver_task"`) instead of
importing it, so services never import `complaints.tasks` — which imports the services —
and there is no import circle. A broker that is down never fails the user's request: the
row the task was about stays due, and the relay or sweep sends it later.

Nor does it hold the request for long (issue 17: a frozen Redis held a filing 60 s and
then answered 500, after the case was committed). Each wait of a send is bounded by the
transport (socket timeouts in settings), and the hand-off as a whole by a deadline,
KOTAE_HANDOFF_SECONDS: no retry is started that could not end before it, and what is not
sent by then is left to the relay. After a broker failure, hand-offs are skipped for
KOTAE_BROKER_PAUSE_SECONDS (config/pause.py), logged once, so a broker that is down costs
one request in that time the wait, not every request; the rows meanwhile wait for the
relay, which runs every minute and would send them anyway.
"""
import logging
import threading
import time
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from config.broker import publish_deadline
from config.pause import Pause

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


_pause: Pause | None = None


def broker_pause() -> Pause:
    """This process's pause of hand-offs after a broker failure."""
    global _pause
    if _pause is None:
        _pause = Pause(what="Broker", meanwhile="hand-offs after commit are skipped (the "
                       "relay sends their rows)",
                       seconds=settings.KOTAE_BROKER_PAUSE_SECONDS, logger=logger)
    return _pause


class HandOffLate(Exception):
    """The hand-off's deadline came before the broker answered."""


def _retry_only_in_time(deadline: float):
    """kombu's errback, called after each failed attempt to publish or to connect with the
    pause before the next: it stops the retries when another attempt, taking as long as
    the first did, would end after `deadline` (raising ends kombu's retry loop)."""
    started = time.monotonic()

    def errback(exc, interval):
        now = time.monotonic()
        if now + interval + (now - started) > deadline:
            raise HandOffLate(f"no answer in time ({exc})") from exc

    return errback


def task_send(name: str, *args, deadline: float | None = None) -> None:
    """Send the task now. In eager mode (the test settings) it runs here, as `.delay` would.
    `deadline` (time.monotonic()): give up when the broker has not taken it by then."""
    app = current_app
    if app.conf.task_always_eager:
        _registered(app, name).delay(*args)
    elif deadline is None:
        app.send_task(name, args=list(args))
    else:  # by name alone: the web process need not import the tasks (the tests check names)
        with publish_deadline(deadline):
            app.send_task(name, args=list(args),
                          retry_policy={"errback": _retry_only_in_time(deadline)})


def _send_quietly(name: str, arg_sets: list[tuple], waiting: str) -> None:
    if current_app.conf.task_always_eager:
        _run_here(name, arg_sets, waiting)
        return
    pause = broker_pause()
    if pause.active():
        logger.info("%s waits for the relay: the broker failed a moment ago.", waiting)
        return
    deadline = time.monotonic() + settings.KOTAE_HANDOFF_SECONDS
    try:
        for args in arg_sets:
            if time.monotonic() > deadline:
                raise HandOffLate("the deadline passed before every task was sent")
            task_send(name, *args, deadline=deadline)
    except Exception as exc:
        # Whatever the transport raises, the broker's failure must not become the user's.
        pause.begin(exc)
        logger.warning("%s waits for the relay: %s", waiting, exc, exc_info=True)


def _run_here(name: str, arg_sets: list[tuple], waiting: str) -> None:
    """Eager mode (the test settings): the tasks run in this process. A task that fails is
    a bug to see, raised; one that could not reach a broker itself waits for the relay."""
    _registered(current_app, name)  # outside the try: a wrong name is no broker outage
    try:
        for args in arg_sets:
            task_send(name, *args)
    except BROKER_ERRORS as exc:
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
