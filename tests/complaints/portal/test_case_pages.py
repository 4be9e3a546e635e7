"""Following a case: the list, the case page and what a filer can do there."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import organisation_create
from complaints.domain.status import Status
from complaints.models import CaseEvent, Decision, Feedback
from complaints.services.decisions import decision_record
from complaints.services.messages import message_post
from tests.factories import UserFactory, file_case, png_upload

pytestmark = pytest.mark.django_db


def list_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("complaints:case_list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_my_cases_costs_the_same_queries_at_5_and_50_rows(client, creator):
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    for i in range(5):
        file_case(filer=creator, title=f"Case {i}", organisation_id=studio.pk)
    client.force_login(creator)
    at_5, html_5 = list_queries(client)
    for i in range(45):
        file_case(filer=creator, title=f"More {i}", organisation_id=studio.pk)
    at_50, html_50 = list_queries(client, page=2)
    at_50_first, html_first = list_queries(client)
    assert html_5.count('class="status ') == 5
    assert html_first.count('class="status ') == 20  # one page
    assert at_5 == at_50 == at_50_first


def test_my_cases_shows_organisation_cases_and_filters(client, creator, operator):
    colleague = UserFactory()
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    from accounts.services import organisation_member_add

    organisation_member_add(organisation=studio, user=colleague)
    mine = file_case(filer=creator, title="Character copied in trailer")
    theirs = file_case(filer=colleague, title="Background art copied",
                       organisation_id=studio.pk)
    private = file_case(filer=colleague, title="Colleague's private case")
    question = file_case(filer=creator, title="Was it trained on us?", kind="inquiry",
                         questions=["Was it?"])
    decision_record(case=mine, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                    actions=["output_removed"], facts="f", ground="g", automated_means=False)
    client.force_login(creator)
    _, html = list_queries(client)
    assert mine.reference in html and theirs.reference in html
    assert private.reference not in html
    assert "answer due by" in html and "JST" in html
    _, html = list_queries(client, status="decided")
    assert mine.reference in html and theirs.reference not in html
    _, html = list_queries(client, kind="inquiry")
    assert question.reference in html and mine.reference not in html
    _, html = list_queries(client, q="background")
    assert theirs.reference in html and mine.reference not in html
    _, html = list_queries(client, q=mine.reference.lower())
    assert mine.reference in html and theirs.reference not in html
    _, html = list_queries(client, status="nonsense", kind="'; drop")
    assert mine.reference in html  # unknown filter values are ignored, not an error


def test_withdraw_asks_first(client, creator):
    case = file_case(filer=creator)
    client.force_login(creator)
    url = reverse("complaints:case_withdraw", args=[case.reference])
    page = client.get(url)
    assert page.status_code == 200 and "Yes, withdraw the case" in page.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    response = client.post(url, {"reason": "Settled with the user directly."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    event = CaseEvent.objects.filter(case=case, event_type="status_changed").last()
    assert event.new_value["reason"] == "Settled with the user directly."
    assert client.post(url).status_code == 400  # a closed case cannot be withdrawn again


def test_an_organisation_colleague_cannot_withdraw(client, creator):
    colleague = UserFactory()
    studio = organisation_create(name="Studio", admin=creator)
    from accounts.services import organisation_member_add

    organisation_member_add(organisation=studio, user=colleague)
    case = file_case(filer=creator, organisation_id=studio.pk)
    client.force_login(colleague)
    response = client.post(reverse("complaints:case_withdraw", args=[case.reference]))
    assert response.status_code == 400
    assert "Only the filer can withdraw" in response.content.decode()


def test_feedback_once_decided(client, creator, operator):
    case = file_case(filer=creator)
    client.force_login(creator)
    url = reverse("complaints:case_feedback", args=[case.reference])
    assert client.post(url, {"helpful": "yes"}).status_code == 400
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                    actions=["output_removed"], facts="f", ground="g", automated_means=False)
    page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    assert "Did this answer help?" in page.content.decode()
    assert client.post(url, {"helpful": "no", "comment": "Too slow"}).status_code == 302
    assert client.post(url, {"helpful": "yes", "comment": "Changed my mind"}).status_code == 302
    feedback = Feedback.objects.get(case=case)
    assert feedback.helpful and feedback.comment == "Changed my mind"


def test_reply_with_attachment_and_add_evidence(client, creator):
    case = file_case(filer=creator)
    client.force_login(creator)
    response = client.post(reverse("complaints:case_reply", args=[case.reference]),
                           {"body": "Here is another frame.", "evidence": [png_upload("f2.png")]})
    assert response.status_code == 302
    message = case.messages.get()
    assert message.attachments.get().original_name == "f2.png"
    response = client.post(reverse("complaints:case_evidence_add", args=[case.reference]),
                           {"evidence": [png_upload("f3.png")]})
    assert response.status_code == 302
    assert case.evidence.count() == 2
    response = client.post(reverse("complaints:case_evidence_add", args=[case.reference]), {})
    assert response.status_code == 400
    assert "Choose at least one file." in response.content.decode()


def test_case_page_timeline_and_deadlines(client, creator, operator):
    case = file_case(filer=creator)
    message_post(case=case, author=operator, body="We are looking at it.")
    message_post(case=case, author=operator, body="Internal: looks clear.",
                 visibility="internal")
    client.force_login(creator)
    html = client.get(reverse("complaints:case_detail", args=[case.reference])).content.decode()
    assert "We are looking at it." in html
    assert "Internal: looks clear." not in html
    assert "Met on time" in html  # the first response clock
    assert "Due by" in html  # the decision clock
    assert "Case filed" in html


@pytest.mark.parametrize("language", ["en", "ja"])
def test_timeline_tells_the_filer_each_event_in_words(client, creator, operator, language):
    """One event of every type: the filer reads those shown to filers, each as its label
    and a sentence, never a stored code; the desk's own steps stay hidden."""
    import html as html_lib
    import re

    from django.utils import translation
    from django.utils.translation import pgettext

    from complaints.domain.events import SHOWN_AS_MESSAGES, EventType
    from tests.support.events import CODE, KEY_VALUE, events_of_every_type

    case = file_case(filer=creator)
    events_of_every_type(case, actor=operator)
    creator.language = language
    creator.save(update_fields=["language"])
    client.force_login(creator)
    html = client.get(reverse("complaints:case_detail", args=[case.reference])).content.decode()
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert "<script>alert" not in timeline and "&lt;script&gt;alert" in timeline
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", timeline))
    with translation.override(language):
        labels = {t: str(t.label) for t in EventType}
        # The reminder is named from the filer's side on their own page (ご返信のお願い).
        labels[EventType.FILER_REMINDED] = pgettext("filer's own page",
                                                    "The filer was reminded to reply")
    for event_type in EventType:
        assert event_type.value not in html, event_type
        if event_type.filer_sees and event_type not in SHOWN_AS_MESSAGES:
            assert labels[event_type] in text, event_type
        else:
            assert labels[event_type] not in text, event_type
    assert not CODE.search(text), CODE.findall(text)
    assert not KEY_VALUE.search(text), KEY_VALUE.findall(text)
    # Merged into another filer's case: the filer is not told which (its reference).
    assert "KT-2026-000100" not in text
    if language == "ja":
        assert "判断期限（2026年12月8日 16:34 JST）を超過しました。" in text
        assert ("これらをまとめて判断いたします。本件についての判断は、あらためてお知らせ"
                "いたします。") in text
    else:
        assert "The decision deadline (8 Dec 2026, 16:34 JST) was missed." in text
        assert "you will receive the decision for your own case" in text
