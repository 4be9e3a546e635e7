"""The language a notice is written in: any ISO 639-1 language, named in Japanese and
English; "" is "not given" in every channel; what a filing does not state is the language
it was written in where that is known, and the desk can find the rest as "Not recorded"."""
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from complaints.domain.languages import (
    ERROR_NOTICE_LANGUAGE,
    NOTICE_LANGUAGES,
    notice_language_errors,
    notice_language_label,
)
from complaints.models import Case
from complaints.services.counter_notices import counter_notice_submit
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.complaints.services.test_counter_notices import data_for, removed_complaint
from tests.complaints.test_notice_fields import _api, _portal
from tests.factories import file_case

pytestmark = pytest.mark.django_db
RARE = ("mt", "tl", "sw", "yo", "zu", "la", "bo", "ha")


@pytest.mark.parametrize("code", RARE)
def test_every_iso_639_1_language_is_accepted(code):
    assert notice_language_errors(code) == {}


def test_the_list_is_the_whole_of_iso_639_1():
    assert len(NOTICE_LANGUAGES) == 183
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in NOTICE_LANGUAGES)
    assert notice_language_errors("xx") and notice_language_errors("mlt")


def test_every_language_is_named_in_japanese_and_in_english():
    with translation.override("ja"):
        japanese = {code: notice_language_label(code) for code in NOTICE_LANGUAGES}
    with translation.override("en"):
        english = {code: notice_language_label(code) for code in NOTICE_LANGUAGES}
    assert [c for c, label in japanese.items() if re.search(r"[A-Za-z]", label)] == []
    assert [c for c, label in english.items() if label == c] == []
    assert (japanese["mt"], english["mt"]) == ("マルタ語", "Maltese")
    assert (japanese["sw"], english["sw"]) == ("スワヒリ語", "Swahili")


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_maltese_is_accepted_in_every_channel(client, creator, channel):
    client.force_login(creator)
    response = (_portal(client, notice_language="mt") if channel == "portal"
                else _api(client, notice_language="mt", language="en"))
    assert response.status_code in (201, 302), response.content[:400]
    assert Case.objects.get().notice_language == "mt"


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_an_empty_notice_language_is_the_same_as_none_given(client, creator, channel):
    client.force_login(creator)
    for given in ("", None):  # None: left out
        response = (_portal(client, notice_language=given or "") if channel == "portal"
                    else _api(client, notice_language=given, language="ja"))
        assert response.status_code in (201, 302), response.content[:400]
    assert [c.notice_language for c in Case.objects.all()] == [
        c.language for c in Case.objects.all()]
    assert Case.objects.count() == 2


def test_the_schema_says_what_is_accepted(client, creator):
    client.force_login(creator)
    schema = client.get("/api/v1/schema/?format=json").json()
    field = schema["components"]["schemas"]["OutputComplaintInRequest"]["properties"][
        "notice_language"]
    accepted = {value for part in field.get("oneOf", [field]) for value in
                part.get("enum", []) if value is not None}
    if "$ref" in field or "allOf" in field:
        ref = (field.get("$ref") or field["allOf"][0]["$ref"]).rsplit("/", 1)[1]
        accepted |= set(schema["components"]["schemas"][ref]["enum"])
    for part in field.get("oneOf", []):
        if "$ref" in part:
            accepted |= set(schema["components"]["schemas"][
                part["$ref"].rsplit("/", 1)[1]]["enum"])
    assert accepted == {*NOTICE_LANGUAGES, ""}
    assert "empty" in field["description"] and "ISO 639-1" in field["description"]


def test_an_unknown_language_is_still_refused_with_the_same_words(client, creator):
    client.force_login(creator)
    response = _api(client, notice_language="klingon")
    assert response.json()["fields"]["notice_language"] == [str(ERROR_NOTICE_LANGUAGE)]


# --- What was not stated ---------------------------------------------------------------

def test_a_counter_notice_records_the_language_it_was_written_in(creator, operator):
    complaint, owner = removed_complaint(creator, operator)
    case = counter_notice_submit(owner=owner, complaint=complaint,
                                 data=data_for(complaint, language="ja"))
    case.refresh_from_db()
    assert case.notice_language == "ja"


def _queue(client, query=""):
    return client.get(reverse("admin:complaints_case_changelist") + query,
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()


def test_the_desk_finds_unstated_languages_and_what_is_not_recorded(client, creator,
                                                                    operator):
    creator.language = "ja"
    creator.save()
    client.force_login(creator)
    send(client, reverse("complaints:case_new", args=["output-complaint"]),
         portal_data.output_complaint(title="Japanese notice", notice_language=""),
         HTTP_ACCEPT_LANGUAGE="ja")
    japanese = Case.objects.get(title="Japanese notice")
    old = file_case(filer=creator, title="Older notice")
    Case.objects.filter(pk=old.pk).update(notice_language="")  # filed before it was asked
    greek = file_case(filer=creator, title="Greek notice", notice_language="el")
    operator.language = "ja"
    operator.save()
    client.force_login(operator)
    page = _queue(client, "?status=all")
    assert "未記録" in page and "日本語" in page
    by_japanese = _queue(client, "?status=all&notice_language=ja")
    assert japanese.title in by_japanese
    assert old.title not in by_japanese and greek.title not in by_japanese
    not_recorded = _queue(client, "?status=all&notice_language=none")
    assert old.title in not_recorded
    assert japanese.title not in not_recorded and greek.title not in not_recorded
    desk = client.get(reverse("admin:complaints_case_change", args=[old.pk]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "未記録" in desk


def test_older_cases_take_the_language_they_were_written_in(creator, operator):
    complaint, owner = removed_complaint(creator, operator)
    counter = counter_notice_submit(owner=owner, complaint=complaint,
                                    data=data_for(complaint, language="ja"))
    Case.objects.update(notice_language="")
    migration = importlib.import_module(
        "complaints.migrations.0038_notice_language_recorded")
    migration.notice_language_backfill(apps, None)
    assert dict(Case.objects.values_list("pk", "notice_language")) == {
        complaint.pk: complaint.language, counter.pk: "ja"}
