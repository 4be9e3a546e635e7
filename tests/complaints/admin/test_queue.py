"""The operator's queue: order, badges, filters, search, and a constant cost per page."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case
from complaints.services.cases import WorkData
from complaints.services.desk import case_assign
from complaints.services.messages import message_post
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:complaints_case_changelist")


def queue(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response.content.decode(), ctx.captured_queries


def rows(html):
    cell = r'<th class="field-reference_and_kind"><a href="[^"]+">(KT-\d{4}-\d{6})<br>'
    return re.findall(cell, html)


def make_cases(n, **overrides):
    filer = UserFactory()
    return [file_case(filer=filer, title=f"Case {i}", **overrides) for i in range(n)]


def assert_no_full_count(queries) -> None:
    for query in queries:
        sql = query["sql"].upper()
        if "COUNT(" in sql:
            assert "LIMIT" in sql, f"an unbounded count: {query['sql']}"


def test_same_queries_at_5_and_100_rows_and_no_full_count(client, operator):
    make_cases(5)
    client.force_login(operator)
    queue(client)  # the AI-product filter's list is cached after the first page
    html_5, queries_5 = queue(client)
    make_cases(95)
    html_100, queries_100 = queue(client)
    assert len(rows(html_5)) == 5 and len(rows(html_100)) == 100
    assert len(queries_5) == len(queries_100)
    assert_no_full_count(queries_100)


def test_ordered_by_next_deadline_with_badges(client, operator):
    later, soon, overdue = make_cases(3)
    now = timezone.now()
    Case.objects.filter(pk=later.pk).update(next_due_at=now + timedelta(days=5))
    Case.objects.filter(pk=soon.pk).update(next_due_at=now + timedelta(hours=3))
    Case.objects.filter(pk=overdue.pk).update(next_due_at=now - timedelta(hours=1))
    client.force_login(operator)
    html, _ = queue(client)
    assert rows(html) == [overdue.reference, soon.reference, later.reference]
    assert "badge-overdue" in html
    assert re.search(r"badge-(today|soon)", html)


def test_filters(client, operator, other_creator):
    mine, unassigned, paused = make_cases(3)
    other = file_case(filer=other_creator, ai_product="PixelMuse", kind="inquiry",
                      questions=["Was it used?"])
    case_assign(case=mine, actor=operator, assignee=operator)
    Case.objects.filter(pk=paused.pk).update(status="awaiting_filer")
    Case.objects.filter(pk=unassigned.pk).update(next_due_at=timezone.now() - timedelta(days=1),
                                                 escalated=True)
    client.force_login(operator)
    assert rows(queue(client, assigned="me")[0]) == [mine.reference]
    assert mine.reference not in rows(queue(client, assigned="none")[0])
    assert rows(queue(client, deadline="overdue")[0]) == [unassigned.reference]
    assert rows(queue(client, deadline="paused")[0]) == [paused.reference]
    assert rows(queue(client, escalated__exact="1")[0]) == [unassigned.reference]
    assert rows(queue(client, product="PixelMuse")[0]) == [other.reference]
    assert rows(queue(client, kind__exact="inquiry")[0]) == [other.reference]
    assert set(rows(queue(client, language__exact="en")[0])) == {
        c.reference for c in (mine, unassigned, paused, other)}


def test_search_by_what_the_term_looks_like(client, operator, other_creator):
    a = file_case(title="Opening scene copied")
    b = file_case(filer=other_creator, title="Something else")
    client.force_login(operator)
    assert rows(queue(client, q=a.reference.lower())[0]) == [a.reference]
    assert rows(queue(client, q=other_creator.email.upper())[0]) == [b.reference]
    url = a.locations.get().url
    assert set(rows(queue(client, q=url)[0])) == {a.reference, b.reference}  # same output
    assert rows(queue(client, q="opening")[0]) == [a.reference]
    assert set(rows(queue(client, q="hoshizora")[0])) == {a.reference, b.reference}  # work
    assert rows(queue(client, q="no such thing")[0]) == []


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_common_word_shows_some_matches_and_says_so(client, operator, monkeypatch, language):
    """At most SEARCH_CAP matches in all (titles first; the works are then not read), and
    the operator is told that only some are shown; under the cap, every match and no
    word of warning."""
    monkeypatch.setattr("complaints.admin.case.SEARCH_CAP", 3)
    by_title = [file_case(title=f"Kaze opening {i}") for i in range(3)]
    by_work = file_case(title="Something else", works=[  # a match by its work only
        WorkData(title="Kaze Quest", kind="anime", rights_holder="Studio Kaze")])
    operator.language = language
    operator.save(update_fields=["language"])
    client.force_login(operator)
    warning = {"en": "only some of them are shown", "ja": "一部のみを表示"}[language]
    html = queue(client, q="kaze")[0]
    assert sorted(rows(html)) == sorted(case.reference for case in by_title)
    assert warning in html
    html = queue(client, q="hoshizora")[0]  # the works of the others: 3, all shown
    assert len(rows(html)) == 3 and warning not in html
    html = queue(client, q="kaze quest")[0]
    assert rows(html) == [by_work.reference] and warning not in html
    monkeypatch.setattr("complaints.admin.case.SEARCH_CAP", 2)  # titles only, one too many
    html = queue(client, q="kaze opening")[0]
    assert len(rows(html)) == 2 and warning in html


def test_a_common_word_shows_its_newest_matches(client, operator, monkeypatch):
    """When more cases match than are shown, the ones shown are the newest filed."""
    monkeypatch.setattr("complaints.admin.case.SEARCH_CAP", 2)
    cases = [file_case(title=f"Sora opening {i}") for i in range(4)]
    client.force_login(operator)
    html = queue(client, q="sora opening")[0]
    assert sorted(rows(html)) == sorted(case.reference for case in cases[2:])
    assert "only some of them are shown" in html


def test_a_catalogue_of_matching_works_counts_as_one_case(client, operator, monkeypatch):
    """A notice listing more works with the word than the cap is one match: the other
    cases naming it are shown too, with no word of warning."""
    monkeypatch.setattr("complaints.admin.case.SEARCH_CAP", 4)
    catalogue = file_case(title="Our catalogue", works=[
        WorkData(title=f"Mizuiro Tales {n}", kind="anime") for n in range(5)])
    others = [file_case(title=f"Other {n}", works=[WorkData(title="Mizuiro Tales",
                                                            kind="anime")]) for n in range(2)]
    client.force_login(operator)
    html = queue(client, q="mizuiro")[0]
    assert sorted(rows(html)) == sorted(c.reference for c in (catalogue, *others))
    assert "only some of them are shown" not in html


def test_queue_shows_filer_and_organisation(client, operator, creator):
    from accounts.services import organisation_create

    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    file_case(filer=creator, organisation_id=studio.pk)
    client.force_login(operator)
    html, _ = queue(client)
    assert creator.display_name in html and "Studio Hoshizora" in html


def test_case_page_has_a_fixed_number_of_queries(client, operator, creator):
    case = file_case(filer=creator)
    client.force_login(operator)
    url = reverse("admin:complaints_case_change", args=[case.pk])
    client.get(url)  # content types and canned responses are cached after the first page
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(10):
        message_post(case=case, author=operator, body=f"Reply {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # The works each location copies come with the locations (issue 20).
    assert len(few.captured_queries) == len(many.captured_queries) <= 12


# --- What the queue opens on --------------------------------------------------------------

FINISHED = ["decided", "closed", "withdrawn", "rejected"]


def finish(cases, statuses=FINISHED):
    """Move cases to finished statuses, their clocks stopped, as the services leave them."""
    for case, status in zip(cases, statuses * len(cases), strict=False):
        Case.objects.filter(pk=case.pk).update(status=status, next_due_at=None)
        case.refresh_from_db()
    return cases


def due_in(case, delta):
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() + delta)
    return case


def test_opens_on_the_cases_that_need_work_by_next_deadline(client, operator):
    """From the admin index's link: open cases only, the nearest deadline first; the
    finished ones (any number of them) are not in front of the work."""
    later, waiting, overdue, soon = make_cases(4)
    due_in(later, timedelta(days=6))
    due_in(overdue, -timedelta(hours=2))
    due_in(soon, timedelta(hours=4))
    Case.objects.filter(pk=waiting.pk).update(status="awaiting_filer",
                                              next_due_at=timezone.now() + timedelta(days=3))
    finished = finish(make_cases(8))
    client.force_login(operator)
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{QUEUE}"' in index  # the link carries no filter: the default applies

    html, _ = queue(client)
    assert rows(html) == [overdue.reference, soon.reference, waiting.reference,
                          later.reference]
    assert not {c.reference for c in finished} & set(rows(html))


def test_a_chosen_status_or_all_shows_finished_cases(client, operator):
    open_case = due_in(make_cases(1)[0], timedelta(days=1))
    decided, closed, withdrawn, rejected = finish(make_cases(4))
    client.force_login(operator)
    assert rows(queue(client, status="decided")[0]) == [decided.reference]
    assert rows(queue(client, status="closed")[0]) == [closed.reference]
    assert rows(queue(client, status="open")[0]) == [open_case.reference]
    everything = rows(queue(client, status="all")[0])
    assert everything[0] == open_case.reference  # still the next deadline first
    assert set(everything) == {c.reference for c in (open_case, decided, closed, withdrawn,
                                                     rejected)}
    # A link written for the former field filter shows that status, not nothing.
    assert rows(queue(client, status__exact="rejected")[0]) == [rejected.reference]
    # Another filter keeps the chosen status.
    assert rows(queue(client, status="withdrawn", kind__exact="output_complaint")[0]) == [
        withdrawn.reference]


def test_a_search_finds_a_finished_case_unless_a_status_is_chosen(client, operator):
    decided = finish(make_cases(1))[0]
    client.force_login(operator)
    assert rows(queue(client, q=decided.reference)[0]) == [decided.reference]
    assert rows(queue(client, q=decided.reference, status="open")[0]) == []


def test_the_status_filter_names_its_choices_and_marks_the_default(client, operator):
    client.force_login(operator)
    html, _ = queue(client)
    status = re.search(r'<details data-filter-title="status".*?</details>', html, re.S)[0]
    selected = re.findall(r'<li class="selected">\s*<a href="([^"]*)"[^>]*>([^<]+)</a>',
                          status)
    assert selected == [("?status=open", "Open (needs work)")]
    assert '<a href="?status=all"' in status and '<a href="?status=decided"' in status
    operator.language = "ja"
    operator.save(update_fields=["language"])
    html, _ = queue(client, status="all")
    status = re.search(r'<details data-filter-title="ステータス".*?</details>', html, re.S)[0]
    assert "未終了（要対応）" in status
    assert re.search(r'<li class="selected">\s*<a href="\?status=all"[^>]*>すべてのケース<',
                     status)
    assert "判断済み" in status


def test_default_view_costs_the_same_at_5_and_50_rows(client, operator):
    finish(make_cases(20))
    make_cases(5)
    client.force_login(operator)
    queue(client)  # the AI-product filter's list is cached after the first page
    html_5, queries_5 = queue(client)
    make_cases(45)
    html_50, queries_50 = queue(client)
    assert len(rows(html_5)) == 5 and len(rows(html_50)) == 50
    assert len(queries_5) == len(queries_50)
    assert_no_full_count(queries_50)
    html_all, queries_all = queue(client, status="all")
    assert len(rows(html_all)) == 70 and len(queries_all) == len(queries_50)
