"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file of Kotae's own.

Why not kombu's filesystem transport, the embedded broker until now: it creates a message
file and fills it afterwards, so a worker that reads it in between gets an empty file and
dies with "Unrecoverable error: JSONDecodeError" (celery/kombu#1551). SQLite commits a
message in one transaction: a reader sees all of it or nothing, however many processes
write at once. It needs nothing installed but Python (SQLAlchemy is a wheel).

What this module adds to the upstream transport, each for a reason:
- SQLite waits for a lock (busy timeout) and runs in WAL mode, so web, beat, worker and
  their children writing at the same moment wait their turn instead of failing.
- A message taken by a worker is deleted in the same transaction. Upstream only marks it
  invisible, and its table grows for ever (celery/kombu#276, closed as won't fix).
- No connection pool: every transaction opens its own connection, so no SQLite connection
  is carried across the fork of a worker's pool children.
- Processes starting on a new file at once may all create the tables, or the same
  queue: the losers try again (for at most BUSY_TIMEOUT) or read what the winner wrote,
  instead of failing.
- A publish made within `publish_deadline` (the web's hand-off after commit) waits for
  another process's write only until its deadline, not BUSY_TIMEOUT: the hand-off must
  answer within about a second whatever the broker does (issue 17).
- `polling_interval` is a transport option of every virtual transport, but upstream hands
  all transport options to `create_engine`, which refuses it; it is kept out.

Fan-out (broadcast) is not supported by this transport, so a worker on it has no remote
control (`celery inspect`); the outbox never relies on it. Redis in production has it.
"""
import sqlite3
import threading
import time
from contextlib import contextmanager
from queue import Empty

from kombu.transport import sqlalchemy as kombu_sqlalchemy
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import loads
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

# Seconds a process waits for another's write to finish before it gives up (a write holds
# the lock for milliseconds). A publish that gives up leaves its outbox row to the sweep.
BUSY_TIMEOUT = 5.0
# A publish never waits less than this for the lock, even at its deadline.
PUBLISH_MIN_WAIT = 0.05

# Pauses between tries of a new file's setup that lost a race with another process's.
SETUP_FIRST_PAUSE = 0.01
SETUP_MAX_PAUSE = 0.2
SETUP_RACES = ("database is locked", "already exists")

_publishing = threading.local()


def _lost_setup_race(exc: Exception) -> bool:
    return any(words in str(exc) for words in SETUP_RACES)


@contextmanager
def publish_deadline(deadline: float):
    """Publishes on the embedded broker from this thread, inside the block, wait for
    another process's write only until `deadline` (a time.monotonic() value). Other
    transports bound their waits with socket timeouts and ignore it."""
    previous = getattr(_publishing, "deadline", None)
    _publishing.deadline = deadline
    try:
        yield
    finally:
        _publishing.deadline = previous


def _publish_wait() -> float:
    deadline = getattr(_publishing, "deadline", None)
    if deadline is None:
        return BUSY_TIMEOUT
    return min(BUSY_TIMEOUT, max(PUBLISH_MIN_WAIT, deadline - time.monotonic()))


def _engine(url: str):
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


class Channel(kombu_sqlalchemy.Channel):
    def _engine_from_config(self):
        return _engine(self.connection.client.hostname)

    def _open(self):
        """Upstream's (the engine, and the tables made if missing), tried again while it
        loses a race with other processes setting up the same new file.

        Processes starting together on a new file race twice: each checks that a table is
        missing, then makes it ("table ... already exists" for all but one, and again for
        the next table), and the first connections switch the file to WAL, which needs
        the file to itself and does not always wait busy_timeout for it ("database is
        locked" at once: 6 processes of tests/config/test_broker.py failed so). Both pass
        as soon as the winner is done, so setup is tried again after a short pause, for
        at most BUSY_TIMEOUT in all: a file held longer than that is a real fault."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        pause = SETUP_FIRST_PAUSE
        while True:
            try:
                return super()._open()
            except (OperationalError, sqlite3.OperationalError) as exc:
                if not _lost_setup_race(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, SETUP_MAX_PAUSE)

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:  # another process added the queue at the same moment
            self.session.rollback()
            return super()._get_or_create(queue)

    def _put(self, queue, payload, **kwargs):
        """Upstream's, waiting for the lock no longer than the publish's deadline allows."""
        queue_row = self._get_or_create(queue)
        session = self.session
        # On the connection of this transaction: SQLite's lock wait for its commit.
        session.execute(text(f"PRAGMA busy_timeout = {int(_publish_wait() * 1000)}"))
        session.add(self.message_cls(kombu_sqlalchemy.dumps(payload), queue_row))  # as upstream
        try:
            session.commit()
        except OperationalError:
            session.rollback()  # the publish fails, and is retried or left to the relay
            raise

    def _get(self, queue):
        """Take the oldest message of `queue` and delete it, in one write transaction."""
        queue_row = self._get_or_create(queue)
        session = self.session
        try:
            session.execute(text("BEGIN IMMEDIATE"))
            message = (
                session.query(self.message_cls)
                .filter(self.message_cls.queue_id == queue_row.id)
                .order_by(self.message_cls.sent_at, self.message_cls.id)
                .limit(1)
                .first()
            )
            if message is None:
                session.commit()
                raise Empty()
            payload = message.payload
            session.delete(message)
            session.commit()
        except Empty:
            raise
        except Exception:
            session.rollback()
            raise
        return loads(bytes_to_str(payload))


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel
    driver_name = "sqlite"
