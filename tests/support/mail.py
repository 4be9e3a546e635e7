"""A file-writing e-mail backend for tests that kill a worker in the middle of a send, or
that need a mail server slow enough to build a backlog.

KOTAE_TEST_EMAIL_PAUSE=before: write `<dir>/sending` and wait before the message is sent.
KOTAE_TEST_EMAIL_PAUSE=after: write the message, then `<dir>/sent`, then wait (the window
between the mail server accepting a message and the outbox row being marked sent).
KOTAE_TEST_EMAIL_PAUSE=slow: each message costs the worker KOTAE_TEST_EMAIL_SLOW seconds
(0.1 by default), spent once the delivery's transaction has committed: a worker busy
with a backlog, without holding the whole SQLite database (an e-mail is sent with its row
locked, which on SQLite locks every other writer out) while it sleeps.
"""
import os
import time
from functools import partial
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import transaction

PAUSE_SECONDS = 60


class PausingEmailBackend(FileBackend):
    def send_messages(self, email_messages):
        pause = os.environ.get("KOTAE_TEST_EMAIL_PAUSE", "")
        marker = Path(self.file_path)
        if pause == "before":
            (marker / "sending").write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        sent = super().send_messages(email_messages)
        if pause == "after":
            (marker / "sent").write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        if pause == "slow":
            seconds = float(os.environ.get("KOTAE_TEST_EMAIL_SLOW", "0.1"))
            transaction.on_commit(partial(time.sleep, seconds * len(email_messages)))
        return sent
