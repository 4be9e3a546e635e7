"""A passed due time is shown to the filer as late, with the date we now promise, on the
case page and in My cases, in English and in Japanese (issue 15)."""
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints.templatetags.kotae import when
from tests.factories import file_case
from tests.support.late import late_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db


def shown(moment, user, language="en") -> str:
    with translation.override(language), timezone.override(ZoneInfo(user.time_zone)):
        return when(moment)


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(text_of(response.content.decode()).split())


def test_case_page_and_my_cases_show_a_passed_due_time_as_late(client, creator):
    case, clock = late_case(creator)
    on_time = file_case(filer=creator, title="Still on time")
    due, promised = shown(clock.due_at, creator), shown(clock.promised_at, creator)
    expected = f"Late (it was due by {due}). We now expect to answer by {promised}."

    detail = page(client, creator, reverse("complaints:case_detail", args=[case.reference]))
    assert expected in detail
    assert f"Due by {due}" not in detail

    listing = page(client, creator, reverse("complaints:case_list"))
    assert expected in listing
    assert f"answer due by {shown(on_time.next_due_at, creator)}" in listing
    assert f"answer due by {due}" not in listing


def test_a_missed_promise_is_shown_as_missed_too(client, creator):
    case, clock = late_case(creator, promise_missed=True)
    promised = shown(clock.promised_at, creator)
    detail = page(client, creator, reverse("complaints:case_detail", args=[case.reference]))
    assert f"and we have also missed the date we gave you, {promised}." in detail
    assert "We now expect to answer by" not in detail
    listing = page(client, creator, reverse("complaints:case_list"))
    assert f"the date we gave you, {promised}. We are sorry." in listing


def test_late_in_japanese(client, creator):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    case, clock = late_case(creator)
    due, promised = (shown(clock.due_at, creator, "ja"),
                     shown(clock.promised_at, creator, "ja"))
    expected = f"期限（{due}）を過ぎています。{promised}までにご回答する見込みです。"
    assert expected in page(client, creator,
                            reverse("complaints:case_detail", args=[case.reference]))
    assert expected in page(client, creator, reverse("complaints:case_list"))
