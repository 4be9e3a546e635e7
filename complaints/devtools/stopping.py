"""How a bench command that starts processes is stopped: SIGTERM (a service manager, a
CI timeout) raises `Stopped` in the command, like Ctrl-C raises KeyboardInterrupt, so its
`finally` stops every process it started before it ends."""
import signal
import threading


class Stopped(Exception):
    """SIGTERM reached the command."""


def sigterm_raises_stopped():
    """From now on SIGTERM raises Stopped (in the main thread only: elsewhere, as under
    the test client, nothing changes and None is returned). Give what it returns back to
    `sigterm_restore` when done."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_term(signum, frame):
        raise Stopped

    return signal.signal(signal.SIGTERM, on_term)


def sigterm_restore(previous) -> None:
    """Put back the SIGTERM handler `sigterm_raises_stopped` replaced."""
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
