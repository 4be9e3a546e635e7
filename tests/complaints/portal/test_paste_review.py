"""Pasting lists into the filing form, and the review page that alone sends a notice."""
import re

import pytest
from django.urls import reverse

from complaints.models import Case, IdempotencyRecord, StagedUpload
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import review_and_send, review_form_data, reviewing
from tests.factories import png_upload

pytestmark = pytest.mark.django_db

URL = reverse("complaints:case_new", args=["output-complaint"])
GOOD = [f"https://dreamreel.example/v/{i:03d}" for i in range(1, 6)]


def complaint(**overrides):
    """A complaint with its one location row and one work row left blank: the pasted
    lists give them."""
    data = portal_data.output_complaint(**overrides)
    for key in ("locations-0-url", "locations-0-seen_at", "works-0-title", "works-0-kind",
                "works-0-rights_holder"):
        data.pop(key)
    return data


def test_pasted_locations_and_works_become_the_notice(client, creator):
    client.force_login(creator)
    data = complaint(paste_locations="\n".join(GOOD[:2]) + "\n\n" + GOOD[2] + "\t2026-11-20",
                     paste_works="Hoshizora Quest | anime | Studio Hoshizora\n星空 | アニメ")
    response = review_and_send(client, URL, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert [loc.url for loc in case.locations.order_by("position")] == GOOD[:3]
    assert case.locations.get(url=GOOD[2]).seen_at is not None
    assert [(w.title, w.kind) for w in case.works.order_by("position")] == [
        ("Hoshizora Quest", "anime"), ("星空", "anime")]


def test_pasted_rows_add_to_the_single_rows(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(paste_locations="\n".join(GOOD[3:5]))
    review_and_send(client, URL, data)
    assert [loc.url for loc in Case.objects.get().locations.order_by("position")] == [
        "https://dreamreel.example/v/abc123", GOOD[3], GOOD[4]]


def test_bad_lines_are_shown_by_number_next_to_the_box_and_the_text_is_kept(client, creator):
    client.force_login(creator)
    text = "\n".join([GOOD[0], "https://dreamreel.example", GOOD[1], "not a location at all"])
    response = client.post(URL, reviewing(complaint(
        paste_locations=text, paste_works="Hoshizora Quest | anime\nQuest | sculpture")))
    page = response.content.decode()
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "Line 2: " in page and "Line 4: " in page and "Line 1: " not in page
    assert "Line 2: “sculpture” is not a kind of work we know." in page
    box = re.search(r'<textarea name="paste_locations"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and "not a location at all" in box.group(1) and GOOD[1] in box.group(1)
    assert 'id="id_paste_locations_error"' in page  # next to the box


def test_the_form_only_shows_the_review_the_whole_notice_before_sending(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(paste_locations=GOOD[0])
    response = client.post(URL, reviewing(data))
    page = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    for shown in ("Video copies Hoshino Aki", "DreamReel video", "reel-2",
                  "The character&#x27;s face, hair and costume are reproduced.",
                  "Remove the output", "https://dreamreel.example/v/abc123", GOOD[0],
                  "Hoshizora Quest", "Studio Hoshizora", "Hanako Yamada",
                  "Good-faith statement", "Send the complaint", "Back to edit"):
        assert shown in page, shown


def test_back_to_edit_keeps_everything_files_included(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(paste_locations=GOOD[0] + "\n" + GOOD[1])
    review = client.post(URL, {**reviewing(data), "evidence": [png_upload("frame-0412.png")]})
    assert "frame-0412.png" in review.content.decode()
    back = client.post(URL, {**review_form_data(review.content.decode()), "edit": "1"})
    page = back.content.decode()
    assert back.status_code == 200 and Case.objects.count() == 0
    assert "frame-0412.png" in page and 'name="staged"' in page
    assert GOOD[1] in page and 'value="Video copies Hoshino Aki"' in page
    assert 'value="https://dreamreel.example/v/abc123"' in page
    # Sent from there (through the review again), the file goes with the notice.
    review_again = client.post(URL, {**review_form_data_form(page), **reviewing(data)})
    sent = client.post(URL, {**review_form_data(review_again.content.decode()), "send": "1"})
    assert sent.status_code == 302
    assert [e.original_name for e in Case.objects.get().evidence.all()] == ["frame-0412.png"]


def review_form_data_form(page):
    """The staged files the edit form carries."""
    return {"staged": re.findall(r'name="staged" value="([0-9a-f-]+)"', page)}


def test_a_double_submit_from_the_review_page_files_once(client, creator, on_commit):
    client.force_login(creator)
    review = client.post(URL, reviewing(portal_data.output_complaint()))
    sent = review_form_data(review.content.decode())
    with on_commit():
        first = client.post(URL, {**sent, "send": "1"})
        second = client.post(URL, {**sent, "send": "1"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert IdempotencyRecord.objects.filter(user=creator).count() == 1


def test_send_without_the_review_pages_key_only_reviews(client, creator):
    client.force_login(creator)
    data = {**reviewing(portal_data.output_complaint()), "send": "1"}
    response = client.post(URL, data)
    assert response.status_code == 200 and "data-review" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_key_from_someone_else_files_nothing_of_theirs(client, creator, other_creator):
    client.force_login(creator)
    review = client.post(URL, reviewing(portal_data.output_complaint()))
    sent = review_form_data(review.content.decode())
    client.post(URL, {**sent, "send": "1"})
    client.force_login(other_creator)
    response = client.post(URL, {**sent, "send": "1"})
    # Not a redirect to the other's case, nor a notice they never reviewed: theirs to review.
    assert response.status_code == 200 and "data-review" in response.content.decode()
    assert Case.objects.filter(filer=other_creator).count() == 0
    response = client.post(URL, {**review_form_data(response.content.decode()), "send": "1"})
    assert Case.objects.filter(filer=other_creator).count() == 1
    assert response["Location"] != reverse("complaints:case_filed",
                                           args=[Case.objects.get(filer=creator).reference])


def test_review_keeps_files_staged_not_filed(client, creator):
    client.force_login(creator)
    client.post(URL, {**reviewing(portal_data.output_complaint()), "evidence": [png_upload()]})
    assert StagedUpload.objects.filter(owner=creator).count() == 1
    assert Case.objects.count() == 0


def test_dates_with_their_zone_or_out_of_range_never_break_the_form(client, creator):
    # A spreadsheet column with an offset is a date like any other; year 1 is refused.
    client.force_login(creator)
    good = complaint(paste_locations=f"{GOOD[0]}\t2026-11-20T10:30+09:00\n"
                                     f"{GOOD[1]}\t2026-11-20T01:30Z",
                     paste_works="Hoshizora Quest | anime")
    assert client.post(URL, reviewing(good)).status_code == 200
    bad = complaint(paste_locations=f"{GOOD[0]}\t0001-01-01", paste_works="Hoshizora Quest | anime")
    refused = client.post(URL, reviewing(bad))
    assert refused.status_code == 400 and "Line 1: " in refused.content.decode()
    row = portal_data.output_complaint(**{"locations-0-seen_at": "0001-01-01T00:00"})
    refused = client.post(URL, reviewing(row))
    assert refused.status_code == 400 and "Give a real date and time." in (
        refused.content.decode())


def test_full_width_separators_and_digits_are_read(client, creator):
    client.force_login(creator)
    data = complaint(paste_locations=GOOD[0], paste_works="星空クエスト｜アニメ｜スタジオ星空")
    response = review_and_send(client, URL, data)
    assert response.status_code == 302
    assert [(w.title, w.kind, w.rights_holder) for w in Case.objects.get().works.all()] == [
        ("星空クエスト", "anime", "スタジオ星空")]


def test_the_copy_says_the_accuracy_statement_in_the_laws_words(client, creator):
    client.force_login(creator)
    review = client.post(URL, reviewing(portal_data.output_complaint(
        notice_language="zh")))
    page = review.content.decode()
    assert review.status_code == 200 and "penalty of perjury" in page
    assert "<dd>zh</dd>" not in page and "Chinese" in page


# --- Kinds as filers write them (issue 19 review) -------------------------------------

def test_kinds_are_read_as_japanese_and_english_filers_write_them(client, creator):
    client.force_login(creator)
    written = {"漫画": "manga", "マンガ": "manga", "ｱﾆﾒ": "anime", "ゲーム": "game",
               "映画": "film", "イラスト": "illustration", "キャラクター": "character",
               "音楽": "music", "ソフトウェア": "software", "書籍": "book", "本": "book",
               "写真": "photograph", "フォント": "font", "動画": "video", "その他": "other",
               "Manga": "manga", "ＭＡＮＧＡ": "manga", "comic": "manga", "Movie": "film",
               "photo": "photograph"}
    lines = [f"Work {i} | {kind}" for i, kind in enumerate(written)]
    response = review_and_send(client, URL, complaint(paste_locations=GOOD[0],
                                                      paste_works="\n".join(lines)))
    assert response.status_code == 302
    works = Case.objects.get().works.order_by("position")
    assert [w.kind for w in works] == list(written.values())


def test_an_unknown_kind_lists_the_kinds_in_the_readers_language(client, creator):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    client.force_login(creator)
    response = client.post(URL, reviewing(complaint(
        paste_locations=GOOD[0], paste_works="星空 | 彫刻")), HTTP_ACCEPT_LANGUAGE="ja")
    page = response.content.decode()
    assert response.status_code == 400
    assert "1行目：「彫刻」は作品の種類として受け付けていません。" in page
    assert "manga（マンガ）" in page.split("1行目：")[1].split("</")[0]


# --- One bad work line keeps the others (issue 19 review) ------------------------------

def test_one_bad_work_line_keeps_the_good_ones_and_their_numbers(client, creator):
    client.force_login(creator)
    works = "Hoshizora Quest | anime\nQuest | sculpture\nAki | manga"
    data = {**complaint(paste_locations=GOOD[0], paste_works=works),
            "locations-0-url": GOOD[1], "locations-0-works": "3"}
    response = client.post(URL, reviewing(data))
    page = response.content.decode()
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "Line 2: “sculpture” is not a kind of work we know." in page
    assert "There is no work" not in page  # work 3 is Aki, read
    box = re.search(r'<textarea name="paste_works"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and all(line in box.group(1) for line in works.split("\n"))
    # A location naming the bad line's work is pointed at that line, not told it is absent.
    data["locations-0-works"] = "2"
    page = client.post(URL, reviewing(data)).content.decode()
    assert "There is no work" not in page
    assert "Work 2 is line 2 of the pasted works, which could not be read" in page


def test_a_location_naming_a_work_and_its_repeat_is_filed(client, creator):
    client.force_login(creator)
    client.raise_request_exception = False
    data = portal_data.output_complaint(
        works=[("Hoshizora Quest", "anime"), ("Hoshizora Quest", "anime")],
        **{"locations-0-works": "1, 2"})
    review = client.post(URL, reviewing(data))
    assert review.status_code == 200
    sent = client.post(URL, {**review_form_data(review.content.decode()), "send": "1"})
    assert sent.status_code == 302
    location = Case.objects.get().locations.get()
    assert [w.title for w in location.works.all()] == ["Hoshizora Quest"]
