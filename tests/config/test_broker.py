"""The embedded broker (config/broker.py) with several processes at once: every message
written is read whole and exactly once, nothing is left behind in its table, and
processes that start together on a new file do not trip over each other."""
import multiprocessing
import sqlite3
import time
from queue import Empty

import pytest
from kombu import Connection
from sqlalchemy.exc import OperationalError

from config.broker import Channel, publish_deadline

WRITERS = 6
PER_WRITER = 150


def _connection(path) -> Connection:
    return Connection(f"sqlite:///{path}", transport="config.broker:Transport",
                      transport_options={"polling_interval": 0.01})


def _write(path, writer: int, start) -> None:
    start.wait(timeout=30)
    with _connection(path) as conn:
        channel = conn.channel()
        for n in range(PER_WRITER):
            channel._put("jobs", {"writer": writer, "n": n, "body": "x" * 2000})


@pytest.fixture
def broker_file(tmp_path):
    return tmp_path / "broker.sqlite3"


def test_many_writers_one_reader_every_message_once_and_whole(broker_file):
    context = multiprocessing.get_context("spawn")  # a new interpreter, as web and beat are
    start = context.Event()
    writers = [context.Process(target=_write, args=(broker_file, w, start))
               for w in range(WRITERS)]
    for process in writers:
        process.start()
    received = []
    with _connection(broker_file) as conn:
        channel = conn.channel()
        start.set()
        deadline = time.monotonic() + 90
        while len(received) < WRITERS * PER_WRITER and time.monotonic() < deadline:
            try:
                received.append(channel._get("jobs"))
            except Empty:
                time.sleep(0.005)
        for process in writers:
            process.join(timeout=30)
        assert [p.exitcode for p in writers] == [0] * WRITERS
        with pytest.raises(Empty):
            channel._get("jobs")
    seen = [(m["writer"], m["n"]) for m in received]
    assert len(seen) == len(set(seen)) == WRITERS * PER_WRITER
    assert all(m["body"] == "x" * 2000 for m in received)
    # Each writer's messages come out in the order it wrote them.
    for writer in range(WRITERS):
        assert [n for w, n in seen if w == writer] == list(range(PER_WRITER))
    # A message read is gone from the file (upstream kept every one, invisible).
    with sqlite3.connect(broker_file) as db:
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (0,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _declare(path, start, results) -> None:
    start.wait(timeout=30)
    try:
        with _connection(path) as conn:
            conn.channel()._put("celery", {"hello": "world"})
        results.put("ok")
    except Exception as exc:  # the test reports what went wrong
        results.put(repr(exc))


def test_processes_starting_together_on_a_new_file(broker_file):
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=_declare, args=(broker_file, start, results))
                 for _ in range(6)]
    for process in processes:
        process.start()
    time.sleep(1.5)  # every interpreter is up and waiting
    start.set()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert outcomes == ["ok"] * 6
    with sqlite3.connect(broker_file) as db:
        assert db.execute("SELECT count(*) FROM kombu_queue").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (6,)


def test_polling_interval_is_not_handed_to_the_engine(broker_file):
    with _connection(broker_file) as conn:
        assert conn.transport.polling_interval == 0.01
        assert isinstance(conn.channel(), Channel)  # create_engine did not refuse it


def test_a_publish_waits_for_the_lock_only_until_its_deadline(broker_file):
    """The web's hand-off after commit publishes with a deadline (issue 17): another
    process holding the file's write lock makes it give up at the deadline, not after
    BUSY_TIMEOUT (5 s, and again for kombu's retry)."""
    with _connection(broker_file) as conn:
        channel = conn.channel()
        channel._put("jobs", {"n": 0})  # the tables and the queue exist
        holder = sqlite3.connect(broker_file, timeout=0)
        holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        try:
            started = time.monotonic()
            with publish_deadline(started + 0.5), pytest.raises(OperationalError):
                channel._put("jobs", {"n": 1})
            took = time.monotonic() - started
        finally:
            holder.rollback()
            holder.close()
        assert 0.4 < took < 1.0, f"the publish waited {took:.2f} s"
        channel._put("jobs", {"n": 2})  # the lock is free again: it goes, and waited
        assert [channel._get("jobs")["n"] for _ in range(2)] == [0, 2]


def _setup_losing(monkeypatch, errors: list) -> list:
    """The new file's setup fails with each of `errors` in turn, as a process losing the
    race with others starting on the same file sees, then goes as upstream's."""
    from kombu.transport import sqlalchemy as upstream

    create_all = upstream.metadata.create_all

    def losing(engine, *args, **kwargs):
        if errors:
            raise errors.pop(0)
        return create_all(engine, *args, **kwargs)

    monkeypatch.setattr(upstream.metadata, "create_all", losing)
    return errors


def _lost(table: str) -> OperationalError:
    return OperationalError(f"CREATE TABLE {table}", {},
                            sqlite3.OperationalError(f"table {table} already exists"))


def test_a_process_that_loses_the_new_file_s_setup_tries_again(broker_file, monkeypatch):
    # Another process made each table first, and one switched the file to WAL while
    # this one wanted it: a worker starting so must not die at start.
    errors = _setup_losing(monkeypatch, [
        _lost("kombu_queue"), sqlite3.OperationalError("database is locked"),
        _lost("kombu_message")])
    with _connection(broker_file) as conn:
        channel = conn.channel()
        channel._put("celery", {"hello": "world"})
        assert channel._get("celery") == {"hello": "world"}
    assert errors == []


def test_a_file_held_too_long_fails_its_setup_within_the_busy_timeout(broker_file,
                                                                     monkeypatch):
    from config import broker

    monkeypatch.setattr(broker, "BUSY_TIMEOUT", 0.5)
    _setup_losing(monkeypatch, [sqlite3.OperationalError("database is locked")] * 100)
    started = time.monotonic()
    with _connection(broker_file) as conn, pytest.raises(sqlite3.OperationalError):
        conn.channel()._put("celery", {"hello": "world"})
    assert 0.3 < time.monotonic() - started < 1.0
