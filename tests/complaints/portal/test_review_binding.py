"""What is sent is what was reviewed: the review page carries a signed digest of the
notice it showed, and Send files nothing that differs from it, nor a notice whose kept
files have gone since (issue 19 review)."""
import json

import pytest
from django.urls import reverse

from complaints.models import Case, StagedUpload
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import review_form_data, reviewing
from tests.factories import png_upload
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

URL = reverse("complaints:case_new", args=["output-complaint"])
CHANGED = "The notice changed since you reviewed it; check it again and send."
GONE = "A file you attached is no longer kept; attach it again."


def _review(client, **extra):
    review = client.post(URL, {**reviewing(portal_data.output_complaint()), **extra})
    assert review.status_code == 200 and "data-review" in review.content.decode()
    return review_form_data(review.content.decode())


def test_a_field_changed_after_the_review_is_shown_for_review_again_not_sent(client, creator):
    client.force_login(creator)
    fields = _review(client)
    fields["title"] = ["Something never reviewed"]
    again = client.post(URL, {**fields, "send": "1"})
    assert Case.objects.count() == 0
    assert again.status_code == 200 and "data-review" in again.content.decode()
    assert CHANGED in text_of(again.content.decode())
    assert "Something never reviewed" in text_of(again.content.decode())  # shown, kept
    sent = client.post(URL, {**review_form_data(again.content.decode()), "send": "1"})
    assert sent.status_code == 302
    assert Case.objects.get().title == "Something never reviewed"


def test_a_send_without_the_reviews_digest_files_nothing(client, creator):
    client.force_login(creator)
    fields = _review(client)
    fields.pop("reviewed", None)
    again = client.post(URL, {**fields, "send": "1"})
    assert Case.objects.count() == 0 and CHANGED in text_of(again.content.decode())


def test_a_kept_file_gone_before_send_is_said_and_nothing_is_filed(client, creator):
    client.force_login(creator)
    fields = _review(client, evidence=[png_upload("frame.png")])
    StagedUpload.objects.all().delete()  # the day's purge ran in between
    again = client.post(URL, {**fields, "send": "1"})
    assert Case.objects.count() == 0
    assert again.status_code == 200 and "data-review" in again.content.decode()
    assert GONE in text_of(again.content.decode())


def test_the_messages_in_japanese(client, creator):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    client.force_login(creator)
    fields = _review(client, evidence=[png_upload("frame.png")])
    changed = client.post(URL, {**fields, "title": ["別の題名"], "send": "1"})
    assert "ご確認いただいた後に申立ての内容が変わりました" in text_of(changed.content.decode())
    StagedUpload.objects.all().delete()
    gone = client.post(URL, {**fields, "send": "1"})
    assert "添付したファイルはもう保存されていません" in text_of(gone.content.decode())
    assert Case.objects.count() == 0


def test_several_files_sent_unchanged_are_filed_the_first_time(client, creator):
    # The files' order is part of what is reviewed: Send once read them back in the
    # database's order (by their random ids) and said the notice had changed.
    client.force_login(creator)
    names = [f"frame-{i}.png" for i in range(5)]
    fields = _review(client, evidence=[png_upload(name) for name in names])
    # The database answers in an order of its own (by the random ids' index on
    # PostgreSQL): here, stored again last-first.
    rows = list(StagedUpload.objects.order_by("pk"))
    StagedUpload.objects.all().delete()
    for row in reversed(rows):
        row.pk = None
        row.save()
    sent = client.post(URL, {**fields, "send": "1"})
    assert sent.status_code == 302, text_of(sent.content.decode())[:300]
    case = Case.objects.get()
    assert [e["name"] for e in json.loads(case.content_as_sent)["evidence"]] == names
