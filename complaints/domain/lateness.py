"""When the filer is shown a due time as late: one rule for the case page, My cases, the
API and the e-mails. Plain values in, so every face and the models agree."""
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

# The filer's own reply clock is never "late" on the desk's side: it closes the case.
FILER_REPLY = "filer_reply"


def clock_is_late(*, clock: str, due_at: datetime | None, met_at: datetime | None,
                  cancelled_at: datetime | None, now: datetime,
                  paused_at: datetime | None = None) -> bool:
    """One of the desk's clocks whose due time passed while it was unanswered. A paused
    clock does not run: it is late only if it already was when it was paused."""
    until = paused_at or now
    return (clock != FILER_REPLY and met_at is None and cancelled_at is None
            and due_at is not None and due_at <= until)


class _Clock(Protocol):
    is_late: bool
    paused_at: datetime | None
    due_at: datetime | None


C = TypeVar("C", bound=_Clock)


def late_clock(clocks: Iterable[C]) -> C | None:
    """Of a case's clocks, the running one that makes it late (the earliest due), if any:
    what a list of cases shows in place of the next due time."""
    late = [c for c in clocks if c.is_late and c.paused_at is None]
    return min(late, key=lambda c: c.due_at, default=None)
