"""Send once to a slow mail server, through a real worker with beat (issue 17, finding 3):
a real SMTP server whose final "250" comes after the worker stops waiting. Beat's relay
runs every half second; the receipts reach the server once each, and once more each,
with the same Message-ID, only after the (test-shortened) wait for unconfirmed e-mails."""
import time
from collections import Counter

import pytest

from complaints.models import Notification
from tests.factories import file_case
from tests.support.smtp import SlowMailServer, mail_server_start
from tests.support.worker import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FINAL_REPLY_TIMEOUT = 0.5
UNCERTAIN_RETRY_SECONDS = 10


@pytest.fixture
def mail_server():
    handler = SlowMailServer()
    controller, port = mail_server_start(handler)
    try:
        yield handler, port
    finally:
        controller.stop()


def test_a_real_worker_sends_each_receipt_once_then_once_more_after_the_wait(
        start_worker, creator, tmp_path, mail_server):
    server, port = mail_server
    server.final_reply_delay = 4 * FINAL_REPLY_TIMEOUT
    worker = start_worker(
        KOTAE_TEST_SMTP_PORT=str(port), KOTAE_SMTP_COMMAND_TIMEOUT="5",
        KOTAE_SMTP_FINAL_REPLY_TIMEOUT=str(FINAL_REPLY_TIMEOUT),
        KOTAE_EMAIL_UNCERTAIN_RETRY_SECONDS=str(UNCERTAIN_RETRY_SECONDS),
        SWEEP_SECONDS="0.5", BEAT=str(tmp_path / "beat-schedule"))
    rows = [Notification.objects.get(case=file_case(filer=creator), kind="case_receipt")
            for _filing in range(3)]
    wait_for(lambda: len(server.received) >= 3, what="three receipts", worker=worker)
    time.sleep(5)  # ten runs of the relay; a failure's retries come after 2, 4 and 8 s
    assert len(server.received) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"uncertain"}

    server.final_reply_delay = 0  # well again: the hour's (here 10 s) resend goes through
    wait_for(lambda: not Notification.objects.exclude(status="sent").exists(),
             what="the resends", worker=worker, timeout=60)
    time.sleep(2)
    assert Counter(server.message_ids()) == {
        f"<notification-{row.pk}@kotae.local>": 2 for row in rows}
    assert list(Notification.objects.values_list("uncertain_resends", flat=True)) == [1] * 3
