"""The queue's rows and filters, written in one pass (complaints/admin/queue_rows.py), show
exactly what Django's own changelist renderer would: the same cells, words, dates and links,
in Japanese and English and in the viewer's time zone; the checkboxes still drive the
actions; a search pages through its matches in the queue's order."""
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import admin_list_filter, items_for_result
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from accounts.models import Organisation
from complaints.models import Case
from complaints.services.cases import WorkData
from tests.factories import UserFactory, file_case, staff_user
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:complaints_case_changelist")


def on_page(html: str) -> list[str]:
    """The rows of the queue's table, as the browser gets them."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.strip() for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def as_django_writes_them(user, params: dict) -> tuple[list[str], str, str]:
    """The same rows and filters by Django's changelist machinery, for the same viewer."""
    request = RequestFactory().get(QUEUE, params)
    request.user = user
    request.resolver_match = resolve(QUEUE)  # the links keep the queue's filters
    request.session = {}
    request._messages = FallbackStorage(request)
    case_admin = admin.site._registry[Case]
    with translation.override(user.language), timezone.override(user.time_zone):
        changelist = case_admin.get_changelist_instance(request)
        pks = [row.pk for row in changelist.result_list]
        cases = Case.objects.select_related("filer", "assignee", "organisation").in_bulk(pks)
        rows = ["".join(items_for_result(changelist, cases[pk], None)) for pk in pks]
        filters = "".join(admin_list_filter(changelist, spec)
                          for spec in changelist.filter_specs)
        return rows, str(changelist.lean_filters), filters


def varied_queue(operator):
    """Overdue, due today or soon, later, paused, decided; unassigned and assigned; normal,
    high and urgent; with and without an organisation; titles and names that need escaping."""
    filer = UserFactory(display_name="Hana <Filer> & Co")
    nameless = staff_user(email="nameless@kotae.example", display_name="")
    studio = Organisation.objects.create(name="Studio <Umi> & \"Sora\"")
    cases = [file_case(filer=filer, title=f"Case {i}") for i in range(7)]
    now = timezone.now()
    changes = [
        {"next_due_at": now - timedelta(hours=1), "title": 'Tom & "Jerry" <b>copied</b>'},
        {"next_due_at": now + timedelta(hours=3), "priority": "high", "organisation": studio},
        {"next_due_at": now + timedelta(hours=20), "assignee": operator},
        {"next_due_at": now + timedelta(days=5), "priority": "urgent", "assignee": nameless},
        {"status": "awaiting_filer", "next_due_at": now + timedelta(days=2)},
        {"status": "decided", "next_due_at": None, "priority": "low"},
        {"next_due_at": None, "kind": "inquiry", "title": "  "},
    ]
    for case, change in zip(cases, changes, strict=True):
        Case.objects.filter(pk=case.pk).update(**change)
    return cases


@pytest.mark.parametrize(("language", "zone"), [("en", "America/New_York"),
                                                ("ja", "Asia/Tokyo")])
@pytest.mark.parametrize("params", [{"status": "all"}, {"q": "Hoshizora", "status": "all"}])
def test_the_rows_are_the_cells_django_would_write(client, operator, language, zone,
                                                   params):
    varied_queue(operator)
    operator.language, operator.time_zone = language, zone
    operator.save(update_fields=["language", "time_zone"])
    client.force_login(operator)
    html = client.get(QUEUE, params).content.decode()
    rows, lean_filters, filters = as_django_writes_them(operator, params)
    assert len(rows) == 7
    assert on_page(html) == rows
    assert " ".join(lean_filters.split()) == " ".join(filters.split())
    # What an operator reads, in their language and zone (not only "the same as before").
    text = " ".join(on_page(html))
    if language == "ja":
        assert "期限超過" in text
        assert "JST" in text and "年" in text
    else:
        assert "Overdue" in text and ("EST" in text or "EDT" in text)
    assert "Tom &amp; &quot;Jerry&quot; &lt;b&gt;copied&lt;/b&gt;" in text
    assert "Studio &lt;Umi&gt;" in text and "badge-priority-urgent" in text
    assert "nameless@kotae.example" in text  # an assignee without a name: their address


def test_the_checkboxes_on_the_page_run_an_action(client, operator):
    varied_queue(operator)
    client.force_login(operator)
    html = client.get(QUEUE).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="_selected_action" value="(\d+)" '
                        r'class="action-select" aria-label="[^"]+">', html)[:2]
    assert len(ticked) == 2
    response = client.post(QUEUE, {"action": "assign_to_me", "index": "0",
                                   ACTION_CHECKBOX_NAME: ticked})
    assert response.status_code == 302
    assert set(Case.objects.filter(assignee=operator).values_list("pk", flat=True)) >= {
        int(pk) for pk in ticked}
    page = client.get(response.url).content.decode()
    assert "2 cases assigned to you." in page


def test_a_search_pages_through_its_matches_in_deadline_order(client, operator, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Case], "list_per_page", 2)
    now = timezone.now()
    cases = [file_case(title=f"Hoshizora scene {i}") for i in range(3)]
    file_case(title="Another title", works=[WorkData(title="Sakura Tales", kind="anime",
                                                     rights_holder="Studio Sakura")])
    for hours, case in zip([30, 10, 20], cases, strict=True):
        Case.objects.filter(pk=case.pk).update(next_due_at=now + timedelta(hours=hours))
    client.force_login(operator)
    first = client.get(QUEUE, {"q": "Hoshizora"}).content.decode()
    second = client.get(QUEUE, {"q": "Hoshizora", "p": "2"}).content.decode()
    references = re.compile(r'<th class="field-reference_and_kind"><a href="[^"]+">'
                            r"(KT-\d{4}-\d{6})<br>")
    assert references.findall(first) == [cases[1].reference, cases[2].reference]
    assert references.findall(second) == [cases[0].reference]
    assert "3 cases" in first


@pytest.mark.parametrize("language", ["en", "ja"])
def test_past_the_count_cap_the_queue_says_more_than_it_counted(client, operator, monkeypatch,
                                                                language):
    """Issue 20: the queue counts at most 1,000 matches (flat from 100,000 to a million
    cases). Past the cap it must not give the cap as the number of cases, in its count, its
    search count or its "select all" (which acts on every match)."""
    monkeypatch.setattr("config.pagination.COUNT_CAP", 3)
    monkeypatch.setattr(admin.site._registry[Case], "list_per_page", 2)
    operator.language = language
    operator.save(update_fields=["language"])
    cases = [file_case(title=f"Hoshizora scene {i}") for i in range(5)]
    client.force_login(operator)
    queue = text_of(client.get(QUEUE).content.decode())
    searched = text_of(client.get(QUEUE, {"q": "Hoshizora"}).content.decode())
    if language == "en":
        assert "More than 3 cases" in queue and "5 cases" not in queue
        assert "Select all the matching cases (more than 3)" in queue
        assert "More than 3 results" in searched
    else:
        assert "ケース3件超" in queue
        assert "該当するケースをすべて（3件超）選択" in queue
        assert "該当3件超" in searched
    assert not re.search(r"(?<!More than )3 cases|ケース3件(?!超)", queue)  # no bare count
    # Two pages of two (the first three counted); the rest are reached by filtering.
    assert client.get(QUEUE, {"p": "2"}).status_code == 200
    Case.objects.filter(pk__in=[case.pk for case in cases[:3]]).update(status="closed")
    fewer = text_of(client.get(QUEUE).content.decode())
    assert ("2 cases" if language == "en" else "ケース2件") in fewer
    assert "More than" not in fewer and "件超" not in fewer
