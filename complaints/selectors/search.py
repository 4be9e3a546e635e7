"""The desk's word search: which cases a word matches, read in bounded steps (README "Speed")."""

from complaints.models import Case, OutputLocation, Work

# A notice may list a thousand works with the word in their titles; reading ten rows of works
# for each case the search may show lets a few such catalogues through and still ends early.
WORK_ROWS_PER_CASE = 10


def case_ids_by_words(term: str, cap: int) -> tuple[list[int], bool]:
    """Up to ``cap`` ids of cases whose title, a work's title or an output location matches
    ``term``, and whether any match was left out.

    Titles first, newest first; the works and locations are read only while the titles leave
    room. No step asks the database to remove duplicates or to sort its matches: both made
    it walk a whole index for a word that a few hundred works hold (a work's title searched at
    a million cases); the works' rows are read plain, at most ``WORK_ROWS_PER_CASE`` a case,
    and each case is kept once here.
    """
    found = dict.fromkeys(Case.objects.filter(title__icontains=term).order_by("-pk")
                          .values_list("pk", flat=True)[:cap + 1])
    left_out = len(found) > cap
    if not left_out:
        limit = WORK_ROWS_PER_CASE * (cap + 1)
        rows = list(Work.objects.filter(title__icontains=term).order_by()
                    .values_list("case_id", flat=True)[:limit + 1])
        found.update(dict.fromkeys(rows[:limit]))
        left_out = len(rows) > limit or len(found) > cap
    if not left_out:
        found.update(dict.fromkeys(OutputLocation.objects.filter(url=term).order_by()
                                   .values_list("case_id", flat=True)[:cap + 1]))
        left_out = len(found) > cap
    return list(found)[:cap], left_out
