"""A notice as large as the limits allow is read by the filing page, over the site's
5 MB for a request body; one larger still is refused with a page that says why and what
to do, never Django's bare 400 (issue 19 review)."""
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from complaints.domain.kinds import MAX_LOCATIONS, MAX_WORKS
from complaints.domain.pasted import NOTICE_FORM_MAX_BYTES, URL_MAX
from complaints.models import Case
from complaints.portal import paste
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import review_form_data, reviewing
from tests.factories import file_case

pytestmark = pytest.mark.django_db
FORM = reverse("complaints:case_new", args=["output-complaint"])


def _urls(count: int, length: int) -> list[str]:
    start = "https://dreamreel.example/v/"
    return [f"{start}{i:05d}/" + "x" * (length - len(start) - 6) for i in range(count)]


def _complaint(urls: list[str]) -> dict:
    data = portal_data.output_complaint(paste_locations="\n".join(urls))
    data.pop("locations-0-url")
    data.pop("locations-0-seen_at")
    return data


def _send_as_a_browser(client, review_page: str):
    """Send from the review page as a browser does: a url-encoded form."""
    fields = {**review_form_data(review_page), "send": "1"}
    return client.post(FORM, urlencode(fields, doseq=True),
                       content_type="application/x-www-form-urlencoded")


def test_the_allowance_is_the_largest_legal_notice():
    # Every location at its longest, each with its date, and every work: still under it.
    location_line = len("x" * URL_MAX + "\t2026-11-20 10:30\r\n")
    assert NOTICE_FORM_MAX_BYTES > 3 * MAX_LOCATIONS * location_line + 9 * MAX_WORKS * 1000
    assert NOTICE_FORM_MAX_BYTES < 64 * 1024 * 1024


def test_a_paste_over_the_sites_body_limit_is_reviewed_and_sent(client, creator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000  # the site's limit, small to be quick
    client.force_login(creator)
    urls = _urls(200, 250)  # 50 KB
    review = client.post(FORM, reviewing(_complaint(urls)))  # the form: multipart
    assert review.status_code == 200 and "data-review" in review.content.decode()
    sent = _send_as_a_browser(client, review.content.decode())
    assert sent.status_code == 302
    assert Case.objects.get().locations.count() == 200
    # Any other page keeps the site's limit.
    reply = client.post(reverse("complaints:case_reply", args=[file_case(filer=creator)
                                                                .reference]),
                        {"body": "x" * 30_000})
    assert reply.status_code == 400


def test_a_body_over_the_allowance_says_the_notice_is_too_large(client, creator, settings,
                                                                monkeypatch):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    monkeypatch.setattr(paste, "NOTICE_FORM_MAX_BYTES", 40_000)  # small, to be quick
    client.force_login(creator)
    data = reviewing(_complaint(_urls(200, 250)))
    english = client.post(FORM, data)
    assert english.status_code == 413
    page = english.content.decode()
    assert "This notice is too large to send" in page
    assert "10,000 output locations" in page and "1,000 works" in page
    assert "Back" in page
    creator.language = "ja"  # the filer's own language, as on every page
    creator.save(update_fields=["language"])
    japanese = client.post(FORM, data)
    assert japanese.status_code == 413 and '<html lang="ja">' in japanese.content.decode()
    assert "この申立ては大きすぎるため送信できません" in japanese.content.decode()
    assert "10,000件" in japanese.content.decode()
    urlencoded = client.post(FORM, urlencode(data, doseq=True),
                             content_type="application/x-www-form-urlencoded")
    assert urlencoded.status_code == 413 and "大きすぎる" in urlencoded.content.decode()
    # Signed out, a form is kept as a draft, small: over the site's limit, the same page.
    client.logout()
    signed_out = client.post(FORM, reviewing(_complaint(_urls(100, 250))))
    assert signed_out.status_code == 413 and "too large" in signed_out.content.decode()


@pytest.mark.slow
def test_ten_thousand_long_locations_over_5_mb_are_one_case(client, creator):
    client.force_login(creator)
    urls = _urls(MAX_LOCATIONS, 600)  # 6 MB of locations
    review = client.post(FORM, reviewing(_complaint(urls)))
    assert review.status_code == 200 and "data-review" in review.content.decode()
    sent = _send_as_a_browser(client, review.content.decode())
    assert sent.status_code == 302
    assert Case.objects.get().locations.count() == MAX_LOCATIONS


def test_a_signed_out_visitor_over_the_sites_limit_is_told_to_log_in_not_to_split(
        client, creator, settings, monkeypatch):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000  # the site's limit, small to be quick
    data = reviewing(_complaint(_urls(200, 250)))  # 50 KB: within the limits of one notice
    english = client.post(FORM, data)  # the session ended while pasting
    page = english.content.decode()
    assert english.status_code == 413
    assert "You are not logged in" in page and "Log in" in page
    assert "10,000 output locations" in page and "1,000 works" in page
    assert "Back button" in page and "split" not in page
    japanese = client.post(FORM, data, HTTP_ACCEPT_LANGUAGE="ja")
    page = japanese.content.decode()
    assert "ログインしていません" in page and "10,000件" in page and "「戻る」" in page
    assert "分けて" not in page
    # Logged in and over the real allowance: shorten or split, in either language.
    monkeypatch.setattr(paste, "NOTICE_FORM_MAX_BYTES", 40_000)
    client.force_login(creator)
    page = client.post(FORM, data).content.decode()
    assert "split the locations over two notices" in page and "not logged in" not in page
    creator.language = "ja"
    creator.save(update_fields=["language"])
    page = client.post(FORM, data).content.decode()
    assert "2件の申立てに分けて" in page and "ログインしていません" not in page
