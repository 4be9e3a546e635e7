"""The small-number rules of the published figures: plain Python over counts, applied
after the queries (complaints.services.transparency).

The small-group rule: a count of 1 to 4 is SUPPRESSED ("fewer than 5"), and so is every
figure of a (quarter, kind) group of 1 to 4 cases and any median, percentile or share from
fewer than 5 values.
Secondary suppression then keeps withheld figures from being worked out by subtraction:
within each set of figures that add up to a published figure (a group's outcomes to its
decided count; its actions, treated the same way; the kinds' received counts of a quarter
to the months of that quarter), while the sum and the markers' ranges (1 to 4, 5 or more)
would still fix a hidden figure, the smallest other non-zero figure of the set is WITHHELD
("withheld"), the set's total last. Answer categories add up to no published figure.
It is a pure step over the grouped results, after the queries.
"""
import math
from dataclasses import dataclass
from datetime import date

# The marker that replaces every figure the small-group rule withholds, in the stored
# data, the page (translated there), the CSV and the JSON alike.
SUPPRESSED = "fewer than 5"
# The marker of a figure of 5 or more (or 0) withheld only so that a small one cannot be
# worked out from it by subtraction (secondary suppression).
WITHHELD = "withheld"
HIDDEN = (SUPPRESSED, WITHHELD)
MIN_GROUP = 5


def next_quarter(start: date) -> date:
    return date(start.year + start.month // 10, (start.month + 2) % 12 + 1, 1)


def next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


# --- The small-group rule ---------------------------------------------------------------

def figure_count(value: int) -> int | str:
    return SUPPRESSED if 0 < value < MIN_GROUP else value


def figure_measure(value, n: int):
    """A median or percentile of n values: nothing to say of none, withheld below five."""
    if n == 0:
        return None
    return SUPPRESSED if n < MIN_GROUP else value


def figure_share(part: int, whole: int) -> float | str | None:
    """A share of `whole` cases, withheld below five of them. (Withholding it whenever
    the late cases number 1 to 4 as well would blank nearly every month of the on-time
    chart; what a share lets one work out is how many were late, which says nothing of
    who filed. The README says so.)"""
    if whole == 0:
        return None
    return SUPPRESSED if whole < MIN_GROUP else round(part / whole, 4)


def withhold_all(value):
    if isinstance(value, dict):
        return {key: (val if key == "kind" else withhold_all(val))
                for key, val in value.items()}
    return SUPPRESSED


# --- Secondary suppression ---------------------------------------------------------------

@dataclass
class _Cell:
    """A published figure (holder[key]), its true value, and its sign in its set's sum."""
    holder: dict
    key: str
    value: int
    sign: int = 1
    total: bool = False

    @property
    def hidden(self) -> bool:
        return self.holder[self.key] in HIDDEN

    def bounds(self) -> tuple[float, float]:
        """What a reader knows of a hidden figure from its marker."""
        if self.holder[self.key] == SUPPRESSED:  # 0 only inside a withheld group
            return min(self.value, 1), MIN_GROUP - 1
        return MIN_GROUP, math.inf


def _pinned(cells: list[_Cell]) -> bool:
    """Whether the set's sum (zero, with signs) and the hidden figures' ranges leave any
    hidden figure a single possible value."""
    known = sum(c.sign * c.value for c in cells if not c.hidden)
    hidden = [c for c in cells if c.hidden]
    for cell in hidden:
        others = [c for c in hidden if c is not cell]
        low = sum(min(c.sign * b for b in c.bounds()) for c in others)
        high = sum(max(c.sign * b for b in c.bounds()) for c in others)
        first, last = cell.bounds()
        if cell.sign > 0:  # value = -(known + others)
            first, last = max(first, -known - high), min(last, -known - low)
        else:  # value = known + others
            first, last = max(first, known + low), min(last, known + high)
        if first == last:
            return True
    return False


def _protect(cells: list[_Cell]) -> bool:
    """Withhold figures of the set until none of its hidden figures can be worked out;
    whether anything changed. A set whose figures do not truly add up (actions: a decision
    can take several) is still given two hidden figures or none."""
    exact = sum(c.sign * c.value for c in cells) == 0
    changed = False
    while _pinned(cells) if exact else sum(c.hidden for c in cells) == 1:
        candidates = sorted((c for c in cells if not c.hidden and c.value),
                            key=lambda c: (c.total, c.value))
        if not candidates:
            break
        candidates[0].holder[candidates[0].key] = WITHHELD
        changed = True
    return changed


def secondary_suppression(groups: list[tuple[date, dict, dict]],
                           months: list[tuple[date, dict, dict]], today: date) -> None:
    """Apply secondary suppression in place. `groups`: (quarter start, published group,
    its counts); `months`: (month start, published month, its counts)."""
    sets = []
    for _start, group, counts in groups:
        decided = _Cell(group, "decided", counts.get("decided", 0), sign=-1, total=True)
        for part, prefix in (("outcomes", "outcome"), ("actions", "action")):
            sets.append([_Cell(group[part], key, counts.get(f"{prefix}_{key}", 0))
                         for key in group[part]] + [decided])
        if "rejections" in group:  # the reasons add up to the rejections
            sets.append([_Cell(group["rejections"], key, counts.get(f"rejection_{key}", 0))
                         for key in group["rejections"]]
                        + [_Cell(group["outcomes"], "rejected",
                                 counts.get("outcome_rejected", 0), sign=-1, total=True)])
    month_cells = {start: _Cell(month, "received", row.get("received", 0), sign=-1)
                   for start, month, row in months}
    for start in sorted({start for start, _group, _counts in groups}):
        spanned, day = [], start
        while day < next_quarter(start) and day <= today:
            spanned.append(day)
            day = next_month(day)
        if all(day in month_cells for day in spanned):  # the whole quarter is charted
            sets.append([_Cell(group, "received", counts.get("received", 0))
                         for quarter, group, counts in groups if quarter == start]
                        + [month_cells[day] for day in spanned])
    changed = True
    while changed:  # "decided" belongs to two sets
        changed = False
        for cells in sets:
            changed |= _protect(cells)
