"""The desk's case page costs the same few queries whatever the case holds: 5 or 50
output locations naming the works they copy, 5 or 50 messages, an assignee, canned
responses, related cases (issue 20: every staff page at 12 queries at most)."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from complaints.models import CannedResponse
from complaints.services.cases import LocationData, WorkData
from complaints.services.desk import case_assign
from complaints.services.messages import message_post
from tests.factories import file_case

pytestmark = pytest.mark.django_db
MOST = 12
WORKS = [WorkData(title="Hoshizora Quest", kind="anime"),
         WorkData(title="Aki Sketchbook", kind="character")]
COPIES = ["Hoshizora Quest", "Hoshizora Quest, Aki Sketchbook", "Aki Sketchbook"]


def busy_case(creator, operator, rows):
    """A notice whose `rows` locations each name the works they copy (the last one none),
    with `rows` messages, an assignee, and another case naming its first location."""
    locations = [LocationData(url=f"https://dreamreel.example/v/{rows}-{n}",
                              works=((1,), (2, 1), (2,))[n % 3] if n < rows - 1 else ())
                 for n in range(rows)]
    case = file_case(filer=creator, works=WORKS, locations=locations)
    file_case(filer=creator, title="The same video again", locations=locations[:1])
    case_assign(case=case, actor=operator, assignee=operator)
    for n in range(rows):
        message_post(case=case, author=operator, body=f"Reply number {n}")
    return case


def desk_page(client, case):
    url = reverse("admin:complaints_case_change", args=[case.pk])
    client.get(url)  # content types and canned responses are cached after the first page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_a_notice_naming_copied_works_at_5_and_50_rows(client, creator, operator):
    for language in ("en", "ja"):
        CannedResponse.objects.create(name=f"Removed {language}", language=language,
                                      body="{reference}: {work_titles}")
        CannedResponse.objects.create(name=f"Asked {language}", language=language,
                                      body="{case_title}")
    few, many = busy_case(creator, operator, 5), busy_case(creator, operator, 50)
    client.force_login(operator)

    html_5, queries_5 = desk_page(client, few)
    html_50, queries_50 = desk_page(client, many)

    assert queries_5 == queries_50 <= MOST
    for html, rows in ((html_5, 5), (html_50, 50)):
        copies = re.findall(r'<small class="desk-copies">Copies: (.*?)</small>', html)
        assert copies == [COPIES[n % 3] for n in range(rows - 1)]  # in the notice's order
        assert all(f"https://dreamreel.example/v/{rows}-{n}" in html for n in range(rows))
        assert all(f"Reply number {n}" in html for n in range(rows))
        assert html.count('class="desk-owner-form"') == rows
        assert "The same video again" in html  # the related case
        assert 'selected>Olivia Operator &lt;olivia@kotae.example&gt;</option>' in html
        assert "“Hoshizora Quest”, “Aki Sketchbook”" in html  # a canned response, filled


def test_an_appeal_and_a_merged_duplicate_name_their_other_case(client, creator, operator):
    """The decision under appeal and the case a duplicate was merged into are read only
    for those cases, and shown as before."""
    from complaints.services.cases import case_submit
    from complaints.services.decisions import decision_record
    from complaints.services.desk import cases_merge
    from tests.factories import complaint_draft

    original = file_case(filer=creator)
    decision_record(case=original, decided_by=operator, outcome="not_upheld",
                    actions=["no_action"], facts="No match found.", ground="Policy 4.",
                    automated_means=False)
    appeal = case_submit(filer=creator, draft=complaint_draft(
        kind="appeal", title="Please look again", appeal_of_id=original.pk,
        appeal_grounds="The frames match: see the new evidence.", works=[], locations=[]))
    primary, duplicate = file_case(filer=creator), file_case(filer=creator)
    cases_merge(primary=primary, duplicates=[duplicate], actor=operator)
    client.force_login(operator)

    html, queries = desk_page(client, appeal)
    assert queries <= MOST
    assert "The decision under appeal" in html and original.reference in html
    assert "Not upheld" in html and "First decided by Olivia Operator" in html
    assert "The frames match: see the new evidence." in html
    html, queries = desk_page(client, duplicate)
    assert queries <= MOST
    merged = reverse("admin:complaints_case_change", args=[primary.pk])
    assert f'Merged into: <a href="{merged}">{primary.reference}</a>' in html


@pytest.mark.parametrize("language, merged_here, dot", [("en", "merged here", " · "),
                                                         ("ja", "このケースに統合済み", "・")])
def test_the_related_cases_can_be_chosen_only_while_open(client, creator, operator, language,
                                                           merged_here, dot):
    """Each related case links to its page under its title (cut at 50 characters) with its
    filer and status; only an open case not yet merged has a box to tick, and a duplicate
    merged into this case says so."""
    from complaints.services.cases import case_withdraw
    from complaints.services.desk import cases_merge

    long_title = "The same <i>stolen</i> opening & it's the filer's again, frame by frame"
    primary = file_case(filer=creator)
    merged, open_one = file_case(filer=creator), file_case(filer=creator, title=long_title)
    closed = file_case(filer=creator)
    cases_merge(primary=primary, duplicates=[merged], actor=operator)
    case_withdraw(case=closed, actor=creator)
    operator.language = language
    operator.save(update_fields=["language"])
    client.force_login(operator)

    html, _ = desk_page(client, primary)
    rows = dict(re.findall(r'<li><label><input type="checkbox" name="duplicate" value="(\d+)"'
                           r'(.*?)</li>', html, re.S))
    assert set(rows) == {str(merged.pk), str(open_one.pk), str(closed.pk)}
    assert rows[str(open_one.pk)].startswith("> <a href=")
    assert rows[str(merged.pk)].startswith(" disabled>")
    assert rows[str(closed.pk)].startswith(" disabled>")
    page = reverse("admin:complaints_case_change", args=[open_one.pk])
    assert (f'<a href="{page}">{open_one.reference}</a></label> '
            f"{escape(long_title[:49])}…<br>") in html
    assert f"{dot}{merged_here}</small>" in rows[str(merged.pk)]
    assert merged_here not in rows[str(open_one.pk)] + rows[str(closed.pk)]
    assert creator.email in rows[str(closed.pk)]
