"""The small-number rules, as plain Python over counts (complaints/domain/suppression.py).
The hand-counted history through the database is in tests/complaints/public/."""
from datetime import date

from complaints.domain.suppression import (
    SUPPRESSED,
    WITHHELD,
    figure_count,
    figure_measure,
    figure_share,
    next_month,
    next_quarter,
    secondary_suppression,
    withhold_all,
)


def test_counts_of_one_to_four_are_suppressed_and_zero_is_said():
    assert [figure_count(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]


def test_measures_and_shares_need_five_values():
    assert figure_measure(90, 0) is None and figure_measure(90, 4) == SUPPRESSED
    assert figure_measure(90, 5) == 90
    assert figure_share(3, 0) is None and figure_share(3, 4) == SUPPRESSED
    assert figure_share(2, 3 * 2 + 1) == round(2 / 7, 4)


def test_a_small_group_is_withheld_whole_but_keeps_its_kind():
    group = {"kind": "inquiry", "received": 3, "answers": {"yes": 2, "no": 1}}
    assert withhold_all(group) == {"kind": "inquiry", "received": SUPPRESSED,
                                   "answers": {"yes": SUPPRESSED, "no": SUPPRESSED}}


def test_quarters_and_months_follow_each_other_across_the_year():
    assert next_quarter(date(2025, 10, 1)) == date(2026, 1, 1)
    assert next_quarter(date(2025, 4, 1)) == date(2025, 7, 1)
    assert next_month(date(2025, 12, 1)) == date(2026, 1, 1)


def _group(decided: int, outcomes: dict) -> tuple[dict, dict]:
    published = {"decided": figure_count(decided),
                 "outcomes": {k: figure_count(v) for k, v in outcomes.items()},
                 "actions": {}, "received": decided}
    counts = {"decided": decided, **{f"outcome_{k}": v for k, v in outcomes.items()}}
    return published, counts


def test_one_hidden_outcome_cannot_be_worked_out_by_subtraction():
    # 9 decided = 6 upheld + 3 not upheld: with "3" hidden alone, 9 - 6 would give it away.
    published, counts = _group(9, {"upheld": 6, "not_upheld": 3})
    secondary_suppression([(date(2025, 1, 1), published, counts)], [], date(2025, 6, 30))
    assert published["outcomes"]["not_upheld"] == SUPPRESSED
    assert published["outcomes"]["upheld"] == WITHHELD  # the smallest other figure
    assert published["decided"] == 9  # the total stays when that is enough


def test_nothing_more_is_hidden_when_nothing_can_be_worked_out():
    published, counts = _group(12, {"upheld": 6, "not_upheld": 6})
    secondary_suppression([(date(2025, 1, 1), published, counts)], [], date(2025, 6, 30))
    assert published["outcomes"] == {"upheld": 6, "not_upheld": 6}
