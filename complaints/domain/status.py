"""A case's status and the transitions allowed between them: the one place they live.

    submitted ──► acknowledged ──► in review ──► decided ──► closed
                                      │  ▲
                                      ▼  │
                           awaiting filer (clock paused)
    any open state ──► withdrawn (by the filer)
    any open state ──► rejected (with reasons)
"""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class Status(Choices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_FILER = "awaiting_filer", _("Awaiting your reply")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


# The labels above speak to the filer ("Awaiting your reply"); the operators' screens
# (queue, case page, audit trail) name a status from the desk's side where that differs.
DESK_LABELS = {Status.AWAITING_FILER: _("Awaiting the filer's reply")}
DESK_CHOICES = [(status.value, DESK_LABELS.get(status, status.label)) for status in Status]


def desk_label(status: str) -> str:
    """A status as the desk names it."""
    status = Status(status)
    return str(DESK_LABELS.get(status, status.label))


OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_REVIEW, Status.AWAITING_FILER}
)

_ENDINGS = frozenset({Status.WITHDRAWN, Status.REJECTED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ACKNOWLEDGED}) | _ENDINGS,
    Status.ACKNOWLEDGED: frozenset({Status.IN_REVIEW}) | _ENDINGS,
    Status.IN_REVIEW: frozenset({Status.AWAITING_FILER, Status.DECIDED}) | _ENDINGS,
    # No reply within the filer's window closes the case (with a notice).
    Status.AWAITING_FILER: frozenset({Status.IN_REVIEW, Status.CLOSED}) | _ENDINGS,
    Status.DECIDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.REJECTED: frozenset(),
}

# The path a case walks forward to reach a status, used when one step implies
# the earlier ones (a decision on a case never explicitly acknowledged).
FORWARD_PATH = [Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_REVIEW, Status.DECIDED]


def can_transition(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]
