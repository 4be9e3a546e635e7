"""Pasted lists: one row a line, each line checked as a single row is, refusals by line."""
from datetime import UTC, datetime

from django.utils import timezone, translation

from complaints.domain.pasted import pasted_locations, pasted_works, work_kind_names

KINDS = work_kind_names([("anime", "Anime"), ("manga", "Manga"), ("other", "Other")]) | {
    "アニメ": "anime"}


def test_good_locations_with_and_without_a_date_and_blank_lines_ignored():
    pasted = pasted_locations(
        "https://dreamreel.example/v/1\n\n   \ndreamreel.example/v/2\t2026-11-20 10:30\n"
        "gen_7f3a9c2e11\t2026-11-21\n")
    assert pasted.errors == []
    assert [(r.line, r.url, r.seen_at) for r in pasted.rows] == [
        (1, "https://dreamreel.example/v/1", None),
        # A time without its zone is read in the reader's; one with its zone as it is.
        (4, "https://dreamreel.example/v/2",
         timezone.make_aware(datetime(2026, 11, 20, 10, 30))),
        (5, "gen_7f3a9c2e11", timezone.make_aware(datetime(2026, 11, 21))),
    ]
    zoned = pasted_locations("https://dreamreel.example/v/3\t2026-11-20T10:30Z")
    assert zoned.rows[0].seen_at == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def test_bad_locations_are_refused_by_their_line_number_in_the_box():
    with translation.override("en"):
        pasted = pasted_locations("https://dreamreel.example/v/1\n\nhttps://dreamreel.example\n"
                                  "https://dreamreel.example/v/3\tyesterday\n")
    assert [r.line for r in pasted.rows] == [1]
    assert len(pasted.errors) == 2
    assert pasted.errors[0].startswith("Line 3: ")
    assert pasted.errors[1] == ("Line 4: The date seen must read like 2026-11-20 or "
                                "2026-11-20 10:30.")


def test_works_with_later_parts_left_out_and_kinds_by_code_or_label():
    pasted = pasted_works("Hoshizora Quest | anime | Studio Hoshizora | ISBN 978-4-00\n"
                          "星空マンガ | Manga\n\nAki | アニメ | Studio Hoshizora\n", kinds=KINDS)
    assert pasted.errors == []
    assert [(w.line, w.title, w.kind, w.rights_holder, w.identifier) for w in pasted.rows] == [
        (1, "Hoshizora Quest", "anime", "Studio Hoshizora", "ISBN 978-4-00"),
        (2, "星空マンガ", "manga", "", ""),
        (4, "Aki", "anime", "Studio Hoshizora", ""),
    ]


def test_bad_works_say_what_is_wrong_on_which_line():
    with translation.override("en"):
        pasted = pasted_works("Just a title\n | anime\nQuest | sculpture\na|anime|b|c|d\n",
                              kinds=KINDS)
    assert pasted.rows == []
    assert pasted.errors == [
        "Line 1: Say the kind of work after the title: title | kind.",
        "Line 2: The title of the work is missing.",
        "Line 3: “sculpture” is not a kind of work we know. Use one of: anime, manga, other.",
        "Line 4: A work has at most four parts: title | kind | rights holder | identifier.",
    ]


def test_errors_in_japanese():
    with translation.override("ja"):
        pasted = pasted_locations("https://dreamreel.example\n")
    assert pasted.errors[0].startswith("1行目：")


def test_kinds_by_synonym_in_any_case_or_width():
    kinds = work_kind_names([("anime", "アニメ"), ("manga", "マンガ"), ("film", "映画")])
    pasted = pasted_works("A | 漫画\nB | ＭＡＮＧＡ\nC | Comic\nD | ｱﾆﾒ\nE | MOVIE\nF | 映画\n",
                          kinds=kinds)
    assert pasted.errors == []
    assert [w.kind for w in pasted.rows] == ["manga", "manga", "manga", "anime", "film",
                                             "film"]


def test_every_synonym_names_a_kind_of_work():
    from complaints.domain.pasted import KIND_SYNONYMS, _name
    from complaints.models import Work

    assert set(KIND_SYNONYMS) == set(Work.Kind.values)
    names = {}
    for language in ("en", "ja"):
        with translation.override(language):
            names |= work_kind_names((code, str(label)) for code, label in Work.Kind.choices)
    for code, synonyms in KIND_SYNONYMS.items():  # none names another kind
        assert all(names[_name(synonym)] == code for synonym in synonyms), code
