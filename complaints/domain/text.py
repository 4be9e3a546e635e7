"""Text as a reader sees it: what counts as blank (spelled out once for Python and for
JSON Schema's regular expressions, where `\\s` means other characters than in Python's),
lists and titles punctuated for the active language, and counts grouped as the limits are."""
from functools import reduce

from django.utils import formats
from django.utils.translation import pgettext

SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def number(value) -> str:
    """A count as every page and message writes it, grouped in thousands: "10,000" /
    「10,000」, whatever USE_THOUSAND_SEPARATOR says."""
    return formats.number_format(value, force_grouping=True)


def listing(items) -> str:
    """Items as a list a reader of the active language expects: 「A、B、C」 in Japanese,
    "A, B, C" in English (the separator is the catalogue's)."""
    return pgettext("between the items of a list", ", ").join(
        str(item) for item in items if str(item))


def quoted(title) -> str:
    """A title as quoted in running text: 「…」 in Japanese, “…” in English."""
    return pgettext("a title in running text", "“%(title)s”") % {"title": title}


def sentences(first: str, second: str) -> str:
    """Two sentences in a row (Japanese puts no space between them)."""
    if not first or not second:
        return first or second
    return pgettext("two sentences in a row", "%(first)s %(second)s") % {
        "first": first, "second": second}


def in_a_row(texts) -> str:
    """Any number of sentences in a row, each joined to the last as `sentences` joins two
    (an error's several messages, say)."""
    return reduce(sentences, (str(text) for text in texts), "")


def labelled(label, value) -> str:
    """A value after its label: 「受付番号：KT-…」 / "Reference: KT-…"."""
    return pgettext("between a label and its value", ": ").join((str(label), str(value)))
