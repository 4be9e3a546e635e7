"""One notice, any size, in the portal and on the desk: the limits said up front, repeats
merged with a message, and every page that shows a case's rows showing them a page at a
time, with their counts, in the same queries whatever the case holds."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.domain.kinds import MAX_LOCATIONS, MAX_WORKS
from complaints.models import Case, OutputOwner
from complaints.services.owners import owner_link_path, owner_name
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import LocationData, WorkData, file_case

pytestmark = pytest.mark.django_db
URL = "https://dreamreel.example/v/"


def big_case(filer, locations=0, works=1):
    return file_case(filer=filer,
                     locations=[LocationData(url=f"{URL}{i}") for i in range(locations or 1)],
                     works=[WorkData(title=f"Work {i}", kind="anime") for i in range(works)])


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _shown(html) -> list[str]:
    return re.findall(rf"<code>({re.escape(URL)}\d+)</code>", html)


def test_the_form_states_the_limits_up_front(client, creator):
    client.force_login(creator)
    html = client.get(reverse("complaints:case_new", args=["output-complaint"])).content
    assert "One case holds up to 10,000 output locations and 1,000 works." in html.decode()
    creator.language = "ja"
    creator.save(update_fields=["language"])
    html = client.get(reverse("complaints:case_new", args=["output-complaint"]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "生成物の掲載場所を最大10,000件、作品を最大1,000件" in html


def test_repeats_are_merged_and_the_filer_is_told(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(
        locations=[f"{URL}1", "dreamreel.example/v/1", f"{URL}2"],
        works=[("Hoshizora Quest", "anime"), ("Hoshizora Quest", "anime")])
    response = send(client, reverse("complaints:case_new", args=["output-complaint"]), data,
                    follow=True)
    html = response.content.decode()
    assert "1 output location was given more than once and is stored once." in html
    assert "1 work was named more than once" in html
    case = Case.objects.get()
    assert case.locations.count() == 2 and case.works.count() == 1


def test_the_case_page_shows_a_page_of_rows_with_their_count(client, creator):
    case = big_case(creator, locations=250, works=3)
    client.force_login(creator)
    url = reverse("complaints:case_detail", args=[case.reference])
    _q, html = _get(client, url)
    assert len(_shown(html)) == 100 and "250 in all" in html
    assert "1–100 of 250 (page 1 of 3)" in html
    _q, html = _get(client, url, locations_page=3)
    assert _shown(html)[0] == f"{URL}200" and len(_shown(html)) == 50
    assert "works_page" not in html  # three works: one page, no pager


def test_counts_are_grouped_like_the_limits_on_the_case_page_and_the_desk(client, creator,
                                                                           operator):
    case = big_case(creator, locations=1234)
    client.force_login(creator)
    url = reverse("complaints:case_detail", args=[case.reference])
    _q, html = _get(client, url)
    assert "1,234 in all" in html and "1–100 of 1,234 (page 1 of 13)" in html
    _q, html = _get(client, url, locations_page=13)
    assert "1,201–1,234 of 1,234 (page 13 of 13)" in html
    creator.language = "ja"
    creator.save(update_fields=["language"])
    _q, html = _get(client, url)
    assert "全1,234件" in html and "全1,234件中1–100件目（13ページ中1ページ目）" in html
    client.force_login(operator)
    _q, html = _get(client, reverse("admin:complaints_case_change", args=[case.pk]))
    assert "1,234 in all" in html and "1–100 of 1,234 (page 1 of 13)" in html


def test_the_case_page_costs_the_same_queries_at_5_and_50_rows(client, creator):
    few, many = big_case(creator, 5, 5), big_case(creator, 50, 50)
    client.force_login(creator)
    at_5, _html = _get(client, reverse("complaints:case_detail", args=[few.reference]))
    at_50, _html = _get(client, reverse("complaints:case_detail", args=[many.reference]))
    assert at_5 == at_50


def test_the_desk_page_pages_rows_in_the_same_queries(client, creator, operator):
    # Cases naming none of the same outputs or works (a related case costs its own query).
    few = file_case(filer=creator, locations=[LocationData(url=f"https://other.example/v/{i}")
                                              for i in range(5)],
                    works=[WorkData(title=f"Other {i}", kind="anime") for i in range(5)])
    many = big_case(creator, 150, 50)
    client.force_login(operator)
    client.get(reverse("admin:complaints_case_change", args=[few.pk]))  # caches warm
    at_5, _html = _get(client, reverse("admin:complaints_case_change", args=[few.pk]))
    at_150, html = _get(client, reverse("admin:complaints_case_change", args=[many.pk]))
    assert at_5 == at_150 <= 12
    assert "150 in all" in html and len(_shown(html)) == 0  # links, not code
    _q, html = _get(client, reverse("admin:complaints_case_change", args=[many.pk]),
                    locations_page=2)
    assert f'href="{URL}149"' in html and f'href="{URL}99"' not in html


def test_the_owner_page_pages_the_works_and_their_outputs(client, creator, operator):
    case = big_case(creator, locations=120, works=130)
    for location in case.locations.order_by("position")[:110]:
        owner_name(location=location, ai_product=case.ai_product, account_id="u-1",
                   handle="aki_fan", email="aki@generations.example", actor=operator)
    owner = OutputOwner.objects.get(account_id="u-1")
    url = owner_link_path(owner=owner, case=case)
    _q, html = _get(client, url)
    assert len(_shown(html)) == 100 and "1–100 of 110 (page 1 of 2)" in html
    assert "1–100 of 130 (page 1 of 2)" in html
    _q, html = _get(client, url, locations_page=2)
    assert _shown(html) == [f"{URL}{i}" for i in range(100, 110)]


# --- 10,000 locations (slow: run with -m slow) ---------------------------------------

@pytest.mark.slow
def test_a_ten_thousand_location_case_page_and_the_queue_stay_in_budget(client, creator,
                                                                        operator):
    small = file_case(filer=creator, locations=[
        LocationData(url=f"https://other.example/v/{i}") for i in range(5)],
        works=[WorkData(title=f"Other {i}", kind="anime") for i in range(5)])
    queue = reverse("admin:complaints_case_changelist")
    client.force_login(operator)
    client.get(queue)  # its filters' lists are cached after the first page
    queue_small, _html = _get(client, queue)
    big = big_case(creator, MAX_LOCATIONS, MAX_WORKS)
    client.force_login(creator)
    at_5, _html = _get(client, reverse("complaints:case_detail", args=[small.reference]))
    at_big, html = _get(client, reverse("complaints:case_detail", args=[big.reference]))
    assert at_big == at_5 and "10,000 in all" in html and len(_shown(html)) == 100
    client.force_login(operator)
    client.get(reverse("admin:complaints_case_change", args=[small.pk]))
    at_5, _html = _get(client, reverse("admin:complaints_case_change", args=[small.pk]))
    at_big, _html = _get(client, reverse("admin:complaints_case_change", args=[big.pk]))
    assert at_big == at_5 <= 12
    queue_big, html = _get(client, queue)
    assert big.reference in html and queue_big == queue_small


@pytest.mark.slow
def test_ten_thousand_locations_pasted_into_the_portal_are_one_case(client, creator):
    client.force_login(creator)
    pasted = "\n".join(f"{URL}{i}" for i in range(MAX_LOCATIONS))
    data = portal_data.output_complaint(paste_locations=pasted)
    data.pop("locations-0-url")
    data.pop("locations-0-seen_at", None)
    form = reverse("complaints:case_new", args=["output-complaint"])
    sent = portal_data.review_and_send(client, form, data)
    assert sent.status_code == 302
    case = Case.objects.get(filer=creator)
    assert case.locations.count() == MAX_LOCATIONS
    # One line more is refused by its count, before any line is checked.
    over = portal_data.output_complaint(paste_locations=pasted + f"\n{URL}{MAX_LOCATIONS}")
    refused = send(client, form, portal_data.reviewing(over))
    assert refused.status_code == 400
    assert "10,000" in refused.content.decode() and "leave out" in refused.content.decode()


def test_a_location_naming_a_work_and_its_repeat_copies_it_once(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(
        works=[("Hoshizora Quest", "anime"), ("Hoshizora Quest", "anime")],
        **{"locations-0-works": "1, 2"})
    client.raise_request_exception = False
    response = send(client, reverse("complaints:case_new", args=["output-complaint"]), data)
    assert response.status_code == 302
    location = Case.objects.get().locations.get()
    assert [w.title for w in location.works.all()] == ["Hoshizora Quest"]


def test_the_desk_shows_the_page_of_rows_asked_for_whatever_is_asked(client, creator,
                                                                      operator):
    """The first pages come with the page's other queries (read together); any other
    page, or a page number past the end or not a number, shows the right rows."""
    from complaints.selectors.rows import ROWS_PER_PAGE

    n = ROWS_PER_PAGE + 1
    case = big_case(creator, n, n)
    url = reverse("admin:complaints_case_change", args=[case.pk])
    client.force_login(operator)
    client.get(url)  # caches warm

    def rows(html):
        return (re.findall(rf'href="{re.escape(URL)}(\d+)"', html),
                re.findall(r"<strong>Work (\d+)</strong>", html))

    first = [str(i) for i in range(ROWS_PER_PAGE)], [str(i) for i in range(ROWS_PER_PAGE)]
    last = [str(ROWS_PER_PAGE)]
    queries, html = _get(client, url)
    assert rows(html) == first
    for asked, shown in [({"locations_page": "abc"}, first), ({"locations_page": "-1"}, first),
                         ({"locations_page": "2"}, (last, first[1])),
                         ({"locations_page": "99"}, (last, first[1])),
                         ({"works_page": "2"}, (first[0], last)),
                         ({"locations_page": "2", "works_page": "2"}, (last, last)),
                         ({"works_page": "1" + "0" * 30}, (first[0], last))]:
        asked_queries, html = _get(client, url, **asked)
        assert rows(html) == shown, asked
        assert asked_queries == queries, asked
