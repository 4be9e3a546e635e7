"""Text as the reader's language punctuates it: lists, titles, sentences in a row and a
value after its label."""
import pytest
from django.utils import translation

from complaints.domain.text import in_a_row, labelled, listing, quoted


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("“A”, “B”", "One. Two. Three.", "Facts: Required.")),
    ("ja", ("「A」、「B」", "One.Two.Three.", "Facts：Required.")),
])
def test_each_language_punctuates_its_own_way(language, expected):
    with translation.override(language):
        assert (listing(quoted(t) for t in "AB"), in_a_row(["One.", "Two.", "", "Three."]),
                labelled("Facts", "Required.")) == expected


def test_in_a_row_of_one_or_none():
    assert in_a_row(["Alone."]) == "Alone." and in_a_row([]) == ""
