"""A file-writing e-mail backend for tests that kill a worker in the middle of a send.

KOTAE_TEST_EMAIL_PAUSE=before: write `<dir>/sending` and wait before the message is sent.
KOTAE_TEST_EMAIL_PAUSE=after: write the message, then `<dir>/sent`, then wait (the window
between the mail server accepting a message and the outbox row being marked sent).
"""
import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend

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
        return sent
