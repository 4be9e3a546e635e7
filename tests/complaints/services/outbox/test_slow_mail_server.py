"""Send once, even when the mail server is slow (issue 17, finding 3): a real SMTP server
whose final "250" after the message comes later than we wait for it. The message may have
arrived, so it is "uncertain": not sent again at the next retry (3 receipts became 15
deliveries in 4 minutes), but once, an hour later, with the same Message-ID. A server that
refuses, or times out before the message is complete, is retried as before; one slow but
within the (RFC 5321) final-reply timeout gets each message once.

Time here is the outbox's: `minutes_pass` brings every row's next attempt sooner, as the
clock would, and the relay (the notifications sweep) runs as beat would run it."""
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from complaints.models import Notification
from complaints.selectors.outbox import outbox_figures
from complaints.tasks import notifications_sweep
from tests.factories import file_case
from tests.support.smtp import SlowMailServer, mail_server_start

pytestmark = pytest.mark.django_db

SMTP_BACKEND = "complaints.services.outbox.smtp.EmailBackend"
FINAL_REPLY_TIMEOUT = 0.5  # the test's stand-in for the 10 minutes of production


@pytest.fixture
def mail_server(settings):
    handler = SlowMailServer()
    controller, port = mail_server_start(handler)
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.KOTAE_SMTP_COMMAND_TIMEOUT = 5
    settings.KOTAE_SMTP_FINAL_REPLY_TIMEOUT = FINAL_REPLY_TIMEOUT
    settings.EMAIL_TIMEOUT = FINAL_REPLY_TIMEOUT  # the one timeout for everything, before
    try:
        yield handler
    finally:
        controller.stop()


def minutes_pass(minutes: float) -> None:
    """What the clock does to the outbox: every next attempt comes `minutes` sooner."""
    Notification.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=F("next_attempt_at") - timedelta(minutes=minutes))


def receipts(creator, on_commit, count: int) -> list[Notification]:
    """`count` filings, each receipt sent after commit as the worker would."""
    for _filing in range(count):
        with on_commit():
            file_case(filer=creator)
    return list(Notification.objects.filter(kind="case_receipt").order_by("pk"))


def fresh(rows):
    return [Notification.objects.get(pk=row.pk) for row in rows]


def test_an_unconfirmed_send_is_uncertain_and_not_sent_again_every_minute(
        creator, on_commit, mail_server):
    mail_server.final_reply_delay = 3 * FINAL_REPLY_TIMEOUT
    rows = receipts(creator, on_commit, 3)
    assert len(mail_server.received) == 3
    for _minute in range(4):  # four minutes of the relay
        minutes_pass(1)
        notifications_sweep()
    assert len(mail_server.received) == 3  # before: 15, a copy of each every minute
    for row in fresh(rows):
        assert (row.status, row.attempts, row.uncertain_count) == ("uncertain", 1, 1)
        assert "may have been delivered" in row.last_error
        assert row.next_attempt_at > timezone.now() + timedelta(minutes=50)
    figures = outbox_figures()
    assert (figures.emails_uncertain, figures.emails_retrying,
            figures.emails_failed_for_good, figures.emails_waiting) == (3, 0, 0, 3)


def test_after_the_long_wait_it_is_sent_once_more_with_the_same_message_id(
        creator, on_commit, mail_server):
    mail_server.final_reply_delay = 3 * FINAL_REPLY_TIMEOUT
    rows = receipts(creator, on_commit, 3)
    first = mail_server.message_ids()
    assert first == [f"<notification-{row.pk}@kotae.local>" for row in rows]

    mail_server.final_reply_delay = 0  # the server is well again
    minutes_pass(59)
    assert notifications_sweep() == 0  # not before the hour
    assert len(mail_server.received) == 3
    minutes_pass(1)
    assert notifications_sweep() == 3
    assert Counter(mail_server.message_ids()) == dict.fromkeys(first, 2)
    for row in fresh(rows):
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
        assert (row.uncertain_count, row.uncertain_resends) == (1, 1)
    minutes_pass(24 * 60)
    assert notifications_sweep() == 0 and len(mail_server.received) == 6
    figures = outbox_figures()
    assert (figures.emails_uncertain, figures.emails_resent_after_uncertain) == (0, 3)


def test_unconfirmed_again_waits_another_hour(creator, on_commit, mail_server):
    mail_server.final_reply_delay = 3 * FINAL_REPLY_TIMEOUT
    [row] = receipts(creator, on_commit, 1)
    minutes_pass(60)
    notifications_sweep()  # the relay hands it over once more; again no final reply
    [row] = fresh([row])
    assert (row.status, row.attempts, row.uncertain_count, row.uncertain_resends) == (
        "uncertain", 2, 2, 1)
    minutes_pass(30)
    notifications_sweep()
    assert len(mail_server.received) == 2


def test_a_server_that_refuses_is_retried_on_the_usual_schedule(creator, on_commit,
                                                               mail_server):
    mail_server.refusing = True
    [row] = receipts(creator, on_commit, 1)
    [row] = fresh([row])
    assert (row.status, row.attempts, row.uncertain_count) == ("failed", 1, 0)
    assert "451" in row.last_error
    assert row.next_attempt_at < timezone.now() + timedelta(seconds=10)
    minutes_pass(1)
    assert notifications_sweep() == 1  # handed over again, and refused again
    assert len(mail_server.received) == 0
    mail_server.refusing = False
    minutes_pass(1)
    assert notifications_sweep() == 1
    [row] = fresh([row])
    assert (row.status, row.attempts, len(mail_server.received)) == ("sent", 3, 1)


def test_a_timeout_before_the_message_is_complete_is_a_failure(creator, on_commit,
                                                               mail_server, settings):
    """The server never had the whole message (it drops an incomplete transaction): no
    duplicate is possible, so the usual retry after seconds, not an hour."""
    settings.KOTAE_SMTP_COMMAND_TIMEOUT = FINAL_REPLY_TIMEOUT
    mail_server.rcpt_delay = 3 * FINAL_REPLY_TIMEOUT
    [row] = receipts(creator, on_commit, 1)
    [row] = fresh([row])
    assert (row.status, row.uncertain_count, mail_server.received) == ("failed", 0, [])
    assert row.next_attempt_at < timezone.now() + timedelta(seconds=10)
    mail_server.rcpt_delay = 0
    minutes_pass(1)
    assert notifications_sweep() == 1 and len(mail_server.received) == 1


def test_a_server_slow_within_the_final_reply_timeout_gets_each_message_once(
        creator, on_commit, mail_server, settings):
    """The finding's server: its "250" comes later than the one timeout of before
    (EMAIL_TIMEOUT, 20 s then, 0.5 s here), well within the final reply's."""
    settings.KOTAE_SMTP_FINAL_REPLY_TIMEOUT = 10
    mail_server.final_reply_delay = 3 * FINAL_REPLY_TIMEOUT
    [row] = receipts(creator, on_commit, 1)
    [row] = fresh([row])
    assert (row.status, row.attempts, len(mail_server.received)) == ("sent", 1, 1)
    minutes_pass(60)
    assert notifications_sweep() == 0 and len(mail_server.received) == 1
