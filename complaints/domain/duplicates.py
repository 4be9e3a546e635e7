"""The same row twice in one notice is stored once: an output location by its address as
stored (complaints.domain.locations, after trimming), a work only when every detail is
the same (title, kind, rights holder and identifier, trimmed): an anime and a manga of one
title, or one title held by two companies, are two works. What was merged is told to the
filer and written in the case's trail."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Merged:
    """How many rows of each list were repeats of an earlier row, now left out."""

    locations: int = 0
    works: int = 0

    def __bool__(self) -> bool:
        return bool(self.locations or self.works)

    def as_dict(self) -> dict[str, int]:
        return {"locations": self.locations, "works": self.works}


T = TypeVar("T")


def first_of_each(rows: Iterable[T], key: Callable[[T], object]) -> tuple[list[T], int]:
    """The rows in their order, each key once (its first row kept), and how many left out."""
    seen, kept, left_out = set(), [], 0
    for row in rows:
        k = key(row)
        if k in seen:
            left_out += 1
            continue
        seen.add(k)
        kept.append(row)
    return kept, left_out


def work_key(work) -> tuple[str, str, str, str]:
    """What makes a work the same as another: every detail of it, trimmed."""
    return (work.title.strip(), work.kind.strip(), work.rights_holder.strip(),
            work.identifier.strip())


def merged_notes(merged: Merged) -> list[str]:
    """What the filer is told: one sentence a list that had repeats."""
    notes = []
    if merged.locations:
        notes.append(ngettext(
            "%(n)s output location was given more than once and is stored once.",
            "%(n)s output locations were given more than once and are stored once.",
            merged.locations) % {"n": merged.locations})
    if merged.works:
        notes.append(ngettext(
            "%(n)s work was named more than once (every detail the same) and is stored "
            "once.",
            "%(n)s works were named more than once (every detail the same) and are stored "
            "once.", merged.works) % {"n": merged.works})
    return notes


def merged_sentence(old: dict, new: dict, when=None) -> str:
    """The trail's line for DUPLICATES_MERGED."""
    merged = Merged(locations=_count(new.get("locations")), works=_count(new.get("works")))
    return " ".join(merged_notes(merged)) or _("Repeated rows were merged.")


def _count(value) -> int:
    return value if isinstance(value, int) and value > 0 else 0
