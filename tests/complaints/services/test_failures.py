"""What happens when parts fail, on the parts this run really uses (SQLite and the
embedded broker under `make test`; PostgreSQL, Redis and RabbitMQ in .ci/run):

- two sweeps at once over 300 due clocks (1,000 in the slow pass) write and send each
  notification once;
- with the broker unreachable a filing still succeeds at once, and the relay sends its
  receipt once the broker is back;
- a worker killed with SIGKILL in the middle of a delivery: the e-mail is still sent,
  once; and the one window where it can be sent twice, shown;
- a real worker with beat finds a due clock and sends what it owes, untouched by the test.
"""
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case, CaseEvent, Deadline, Notification
from complaints.services.sweep import deadlines_sweep
from complaints.tasks import notifications_sweep
from config.celery import app as celery_app
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import due_cases, file_case, staff_user
from tests.support.worker import mails_written, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(target, count: int = 2) -> None:
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []


def make_due(notification_ids=None) -> None:
    """What a minute's wait would do: the relay now counts these rows as overdue."""
    rows = Notification.objects.exclude(status=Notification.Status.SENT)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    rows.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# 300 clocks in every pass; the 1,000 of the README's table once in CI's slow pass.
@pytest.mark.parametrize("clocks", [300, pytest.param(1000, marks=pytest.mark.slow)])
def test_two_sweeps_over_many_due_clocks_send_each_notification_once(creator, mailoutbox,
                                                                     clocks):
    operator = staff_user(email="olivia@kotae.example")
    supervisor = staff_user(role="supervisor", email="sato@kotae.example")
    case_ids = due_cases(clocks, filer=creator, assignee=operator)

    def sweep():
        while deadlines_sweep(limit=clocks // 10):  # ten rounds each
            pass

    run_together(sweep)
    # Per clock: the filer's late notice, the assignee and the supervisor told.
    assert Notification.objects.count() == 3 * clocks
    assert Notification.objects.values("key").distinct().count() == 3 * clocks
    assert CaseEvent.objects.filter(event_type="deadline_breached").count() == clocks
    assert Case.objects.filter(pk__in=case_ids, escalated=True).count() == clocks
    # Nothing is left to do now: each clock waits for the date promised to its filer.
    assert not Deadline.objects.filter(next_check_at__lte=timezone.now()).exists()
    assert not Deadline.objects.exclude(next_check_at=F("promised_at")).exists()

    make_due()  # now the relay, twice at once, sends what the sweeps wrote

    def relay():
        while notifications_sweep():
            pass

    run_together(relay)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 3 * clocks
    message_ids = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert len(message_ids) == 3 * clocks and len(set(message_ids)) == 3 * clocks
    late = [m for m in mailoutbox if m.to == [creator.email]]
    assert len(late) == clocks
    assert "late" in late[0].subject.lower()
    assert {m.to[0] for m in mailoutbox} == {creator.email, operator.email, supervisor.email}


@contextmanager
def broker_unreachable():
    """Point the app at a Redis port nobody listens on, as when Redis has stopped."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options

    def pools_reset():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.broker_transport_options = "redis://127.0.0.1:9/0", {}
    pools_reset()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        pools_reset()


def mails_to(worker, address):
    return [m for m in mails_written(worker.email_dir) if m["To"] == address]


@pytest.mark.worker
def test_broker_down_filing_succeeds_and_the_relay_sends_the_receipt_once(
        start_worker, client, creator):
    client.force_login(creator)
    with broker_unreachable():
        started = time.monotonic()
        response = send(client, reverse("complaints:case_new", args=["output-complaint"]),
                        portal_data.output_complaint())
        took = time.monotonic() - started
    assert response.status_code == 302, response.content[:2000]
    assert took < 2, f"filing took {took:.2f} s with the broker down"
    case = Case.objects.get(filer=creator)
    receipt = Notification.objects.get(case=case, kind="case_receipt")
    assert receipt.status == Notification.Status.PENDING and receipt.attempts == 0

    # The broker is back; a worker starts, and beat's relay runs (here sent by hand).
    worker = start_worker()
    make_due()
    notifications_sweep.delay()
    wait_for(lambda: mails_to(worker, creator.email), what="the receipt", worker=worker)
    notifications_sweep.delay()  # a second relay finds nothing left to send
    wait_for(lambda: worker.output().count("notifications_sweep") >= 4,
             what="the second relay", worker=worker)
    [mail] = mails_to(worker, creator.email)
    assert case.reference in mail["Subject"]
    receipt.refresh_from_db()
    assert receipt.status == Notification.Status.SENT and receipt.attempts == 1


@pytest.mark.worker
def test_worker_killed_before_the_send_still_sends_once_after_restart(start_worker, creator):
    worker = start_worker(KOTAE_TEST_EMAIL_PAUSE="before")
    case = file_case(filer=creator)
    receipt = Notification.objects.get(case=case)
    wait_for((worker.email_dir / "sending").exists, what="the worker to start sending",
             worker=worker)
    worker.kill()
    receipt.refresh_from_db()
    # The row waits on the dead worker's lease (no transaction is open while it sends:
    # a mail server may take minutes to confirm); nothing was sent.
    assert receipt.status == Notification.Status.PENDING and receipt.attempts == 1
    assert receipt.next_attempt_at > timezone.now()
    assert mails_written(worker.email_dir) == []

    restarted = start_worker()
    make_due()  # the lease has run out
    notifications_sweep.delay()
    wait_for(lambda: mails_written(restarted.email_dir), what="the receipt", worker=restarted)
    receipt.refresh_from_db()
    assert receipt.status == Notification.Status.SENT
    [mail] = mails_written(restarted.email_dir)
    assert case.reference in mail["Subject"]


@pytest.mark.worker
def test_worker_killed_between_send_and_commit_sends_twice_with_one_message_id(
        start_worker, creator):
    """The documented window: the mail server has the message, the row is not yet marked
    sent. The relay sends it again, with the same Message-ID, so mail clients that
    de-duplicate show it once."""
    worker = start_worker(KOTAE_TEST_EMAIL_PAUSE="after")
    case = file_case(filer=creator)
    receipt = Notification.objects.get(case=case)
    wait_for((worker.email_dir / "sent").exists, what="the first send", worker=worker)
    worker.kill()
    receipt.refresh_from_db()
    assert receipt.status == Notification.Status.PENDING

    restarted = start_worker()
    make_due()
    notifications_sweep.delay()
    wait_for(lambda: len(mails_written(restarted.email_dir)) == 2, what="the resend",
             worker=restarted)
    first, second = mails_written(restarted.email_dir)
    assert first["Message-ID"] == second["Message-ID"] == f"<notification-{receipt.pk}@kotae.local>"


@pytest.mark.worker
def test_worker_with_beat_sweeps_a_due_clock_and_sends_what_it_owes(
        start_worker, creator, tmp_path):
    operator = staff_user(email="olivia@kotae.example")
    [case_id] = due_cases(1, filer=creator, assignee=operator)
    worker = start_worker(SWEEP_SECONDS="1", BEAT=str(tmp_path / "beat-schedule"))

    def told():
        return {m["To"] for m in mails_written(worker.email_dir)} >= {creator.email,
                                                                     operator.email}

    wait_for(told, what="the breach e-mails", worker=worker)
    late = mails_to(worker, creator.email)
    assert len(late) == 1 and f"KT-2026-{case_id:06d}" in late[0]["Subject"]
    assert Case.objects.get(pk=case_id).escalated
