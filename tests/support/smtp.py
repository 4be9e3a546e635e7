"""A real SMTP server (aiosmtpd, in a thread, on a free port of 127.0.0.1) that can be
told to be slow or to refuse, and that counts what it received."""
import asyncio
import socket
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowMailServer:
    """aiosmtpd handler. A message is received (and kept, as a real server would deliver
    it) once its data has arrived; the final "250" comes `final_reply_delay` seconds later,
    whether or not the client still waits. `rcpt_delay` delays the reply to RCPT (before
    the message); `refusing` answers RCPT with a temporary error."""

    def __init__(self):
        self.final_reply_delay = 0.0
        self.rcpt_delay = 0.0
        self.refusing = False
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await asyncio.sleep(self.rcpt_delay)
        if self.refusing:
            return "451 4.3.2 Mail system busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append(message_from_bytes(envelope.content))
        await asyncio.sleep(self.final_reply_delay)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]


def mail_server_start(handler: SlowMailServer) -> tuple[Controller, int]:
    """Started and answering; call `.stop()` on the controller after the test."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return controller, port
