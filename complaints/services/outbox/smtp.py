"""Django's SMTP backend with a timeout for each phase of the conversation, after RFC 5321
§4.5.3.2, and a distinct error when the whole message went out but the mail server's final
reply never came (`FinalReplyMissing`): the server may have taken it, so the outbox records
the send as "uncertain" instead of failed (complaints.services.outbox.delivery).

The phases (settings KOTAE_SMTP_*_TIMEOUT, seconds):

- connect: short (10 s), so an unreachable server is known at once;
- each command's reply (the greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT): 1 min,
  shorter than the RFC's 5 min (2 min for DATA). A timeout here comes before the message is
  complete, so the server drops the transaction: it costs one retry on the normal schedule
  and can never make a duplicate. The RFC's long waits are for relays that check each
  recipient at RCPT; Kotae hands its mail to one submission server, which answers in
  milliseconds when it is well;
- sending the message itself: 1 min (our e-mails are tens of kilobytes; RFC: 3 min a block);
- the final reply after the terminating ".": 10 min, the RFC's own figure, not shortened.
  This is the one wait whose timeout leaves us not knowing whether the message was taken;
  a server that takes 25 s to say "250" must not get a copy every minute.
"""
import smtplib
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

# Replies a session waits for at most, besides the final one: greeting, EHLO, STARTTLS,
# EHLO again, AUTH (two for LOGIN), MAIL, RCPT (our e-mails have one recipient), DATA, QUIT.
COMMAND_REPLIES = 10


class FinalReplyMissing(smtplib.SMTPServerDisconnected):
    """The whole message was sent, then the server's final reply did not come in time
    (or the connection dropped): it may or may not have taken the message."""


@dataclass(frozen=True)
class SMTPTimeouts:
    connect: float
    command: float
    data: float
    final_reply: float

    @classmethod
    def from_settings(cls) -> "SMTPTimeouts":
        return cls(connect=settings.KOTAE_SMTP_CONNECT_TIMEOUT,
                   command=settings.KOTAE_SMTP_COMMAND_TIMEOUT,
                   data=settings.KOTAE_SMTP_DATA_TIMEOUT,
                   final_reply=settings.KOTAE_SMTP_FINAL_REPLY_TIMEOUT)

    def worst_case(self) -> float:
        """The longest one e-mail's send can wait, every phase at its limit: what the
        delivery tasks' time limits are sized from (complaints.tasks)."""
        return self.connect + COMMAND_REPLIES * self.command + self.data + self.final_reply


def send_worst_case_seconds() -> float:
    return SMTPTimeouts.from_settings().worst_case()


class _PhasedTimeouts:
    """Mixed into smtplib.SMTP (and SMTP_SSL): the connect timeout for the connection
    (and a TLS handshake), then a timeout per phase (see the module's docstring)."""

    def __init__(self, *args, timeouts: SMTPTimeouts, **kwargs):
        self.timeouts = timeouts
        super().__init__(*args, timeout=timeouts.connect, **kwargs)

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        sock.settimeout(self.timeouts.command)  # the greeting and every command after it
        return sock

    def data(self, msg):
        """smtplib.SMTP.data (CPython 3.11), each of its three waits with its own
        timeout; smtplib has one timeout for everything and no hook between them."""
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        payload = smtplib._quote_periods(msg)
        if payload[-2:] != smtplib.bCRLF:
            payload += smtplib.bCRLF
        self.sock.settimeout(self.timeouts.data)
        self.send(payload + b"." + smtplib.bCRLF)  # a timeout here: not complete, not taken
        self.sock.settimeout(self.timeouts.final_reply)
        try:
            code, reply = self.getreply()
        except smtplib.SMTPServerDisconnected as exc:  # timed out, or the server hung up
            raise FinalReplyMissing(
                f"No final reply from the mail server within "
                f"{self.timeouts.final_reply:g} s after the whole message was sent "
                f"({exc}); it may have been delivered.") from exc
        if self.sock is not None:
            self.sock.settimeout(self.timeouts.command)  # RSET or QUIT next
        return code, reply


class _SMTP(_PhasedTimeouts, smtplib.SMTP):
    pass


class _SMTPSSL(_PhasedTimeouts, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """settings.EMAIL_BACKEND for smtp:// and smtp+tls:// URLs (config/settings/base.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeouts = SMTPTimeouts.from_settings()
        # Django passes `timeout` to the connection; ours takes the connect timeout from
        # `timeouts` instead (and the rest per phase).
        self.timeout = None

    @property
    def connection_class(self):
        return partial(_SMTPSSL if self.use_ssl else _SMTP, timeouts=self.timeouts)
