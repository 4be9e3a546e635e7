"""A work is a repeat of another in the same notice only when every detail is the same
(after trimming): an anime and a manga of one title are two works."""
from complaints.domain.duplicates import first_of_each, work_key
from complaints.services.cases import WorkData


def _kept(*works):
    return first_of_each(works, key=work_key)


def test_exact_repeats_are_one_work():
    kept, left_out = _kept(WorkData("Hoshizora Quest", "anime", "Studio", "ISBN-1"),
                           WorkData(" Hoshizora Quest", "anime", "Studio ", " ISBN-1"))
    assert (len(kept), left_out) == (1, 1)


def test_a_work_of_the_same_title_with_any_other_detail_is_another_work():
    kept, left_out = _kept(WorkData("Hoshizora Quest", "anime", "Studio", "ISBN-1"),
                           WorkData("Hoshizora Quest", "manga", "Studio", "ISBN-1"),
                           WorkData("Hoshizora Quest", "anime", "Other Co.", "ISBN-1"),
                           WorkData("Hoshizora Quest", "anime", "Studio", "ISBN-2"))
    assert (len(kept), left_out) == (4, 0)
