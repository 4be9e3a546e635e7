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
