"""The repeat-infringer policy (DMCA 512(i)) and the misuse policy (DSA Art. 23), as plain
rules over counts: what the desk is told to do, and what happens to a filer."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class OwnerAction(Choices):
    """What the AI product did to an output owner's account (recorded by the desk)."""

    WARNED = "warned", _("Warned")
    SUSPENDED = "suspended", _("Account suspended")
    TERMINATED = "terminated", _("Account terminated")
    NONE = "none", _("No action")


# The ladder of the repeat-infringer policy: each flag recommends the step after the
# strongest one the product already took within the window.
_LADDER = (OwnerAction.WARNED, OwnerAction.SUSPENDED, OwnerAction.TERMINATED)


def owner_flagged(*, removals: int, threshold: int) -> bool:
    """An owner whose upheld removals within the window reach the threshold."""
    return removals >= threshold


def owner_recommendation(*, removals: int, threshold: int,
                         strongest_taken: str | None) -> str | None:
    """The account action the desk recommends, or None below the threshold. The rule:
    at the threshold, warn; if the product already warned the owner within the window,
    suspend; if it already suspended them, terminate. Terminated stays terminated."""
    if not owner_flagged(removals=removals, threshold=threshold):
        return None
    taken = [a for a in _LADDER if a == strongest_taken]
    if not taken:
        return OwnerAction.WARNED
    return _LADDER[min(_LADDER.index(taken[0]) + 1, len(_LADDER) - 1)]


def strongest(actions) -> str | None:
    """The strongest of these recorded actions on the ladder (None for none)."""
    found = [a for a in _LADDER if a in set(actions)]
    return found[-1] if found else None


# --- Misuse (DSA Art. 23) -------------------------------------------------------------

WARN = "warn"
SUSPEND = "suspend"

# What a suspension stops: new notices. Appeals (DSA Art. 20) and counter-notices (DMCA
# 512(g)) are redress, not notices: Art. 23 suspends the processing of notices only, so
# a suspended filer can still contest our decisions. An inquiry is a question, not a
# notice, and is accepted too.
SUSPENDED_KINDS = frozenset({"output_complaint", "training_objection"})


def misuse_step(*, unfounded: int, warned: bool, warning_after: int,
                suspension_after: int) -> str | None:
    """What the count of manifestly unfounded notices within the window calls for: a
    suspension once it reaches `suspension_after` after a warning, a warning once it
    reaches `warning_after` if none was given, else nothing."""
    if warned and unfounded >= suspension_after:
        return SUSPEND
    if not warned and unfounded >= warning_after:
        return WARN
    return None
