"""A short pause after a failure (a circuit breaker), per process.

When a server Kotae leans on (the Redis cache, the broker) fails or does not answer, every
request that tries it pays a timeout. After one failure the caller skips the server for a
few seconds instead, and says so in the log once per pause rather than once per request;
then the next caller tries again. Nothing is lost while it is skipped: the cache is only a
cache, and an outbox row whose hand-off is skipped is sent by the relay.
"""
import logging
import threading
import time


class Pause:
    def __init__(self, *, what: str, meanwhile: str, seconds: float,
                 logger: logging.Logger) -> None:
        self.what = what  # "Redis cache at redis://…", for the log
        self.meanwhile = meanwhile  # what happens while it is skipped, for the log
        self.seconds = seconds
        self.logger = logger
        self._until = 0.0
        self._lock = threading.Lock()

    def active(self) -> bool:
        """Whether callers skip the server now."""
        return time.monotonic() < self._until

    def begin(self, exc: BaseException) -> None:
        """The server just failed: skip it for `seconds`; logged once per pause."""
        with self._lock:
            now = time.monotonic()
            first = now >= self._until
            self._until = now + self.seconds
        if first:
            self.logger.warning("%s unavailable (%s: %s); %s for %g s.", self.what,
                                type(exc).__name__, exc, self.meanwhile, self.seconds)

    def end(self) -> None:
        """The server answered: no pause (a test, or a caller that knows)."""
        with self._lock:
            self._until = 0.0
