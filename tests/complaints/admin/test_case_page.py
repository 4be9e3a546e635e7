"""The desk's case page: compose, request information, answer questions, decide."""
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from complaints.domain.business_time import business_minutes_between
from complaints.domain.status import Status
from complaints.models import BusinessCalendar, CannedResponse, CaseEvent, Deadline
from complaints.services.cases import WorkData
from complaints.services.messages import message_post
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db


def page(client, case, **params):
    response = client.get(reverse("admin:complaints_case_change", args=[case.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_everything_the_filer_sent_and_the_thread(client, operator, creator):
    from tests.factories import png_upload

    case = file_case(filer=creator, uploads=[png_upload("frame-0412.png")])
    message_post(case=case, author=operator, body="Public words")
    message_post(case=case, author=operator, body="Secret words", visibility="internal")
    client.force_login(operator)
    html = page(client, case)
    assert "Hoshizora Quest" in html and case.locations.get().url in html
    assert "frame-0412.png" in html and "?preview=1" in html
    assert 'desk-message internal' in html and "Secret words" in html
    assert "Audit trail" in html and "Case filed" in html


def test_canned_response_in_the_cases_language(client, operator):
    """The filer's language's response, its work titles quoted and listed as Japanese
    writes them although the operator reads English (the e-mail greets the filer: the
    response does not)."""
    CannedResponse.objects.create(name="Removed", language="en",
                                  body="{reference} ({work_titles}) is down.")
    ja_body = "受付番号 {reference} の{work_titles}に関する生成物を確認しました。"
    CannedResponse.objects.create(name="Removed", language="ja", body=ja_body)
    filer = UserFactory(language="ja", display_name="山田 花子")
    case = file_case(filer=filer, language="ja", works=[
        WorkData(title="Hoshizora Quest", kind="anime"),
        WorkData(title="星野アキ", kind="character")])
    client.force_login(operator)
    html = page(client, case)
    assert "生成物を確認しました" in html and "is down" not in html
    assert "定型文" not in html and "Canned response (Japanese)" in html
    ja = CannedResponse.objects.get(language="ja")
    html = page(client, case, canned=ja.pk)  # without JavaScript: the box is filled
    assert (f"受付番号 {case.reference} の「Hoshizora Quest」、「星野アキ」に関する生成物を"
            "確認しました。</textarea>") in html


def test_request_information_pauses_the_decision_clock(client, operator, creator, on_commit):
    case = file_case(filer=creator)
    client.force_login(operator)
    mail.outbox.clear()
    with on_commit():
        client.post(reverse("admin:complaints_case_message", args=[case.pk]),
                    {"visibility": "request_info", "body": "Which frame shows the character?"})
    case.refresh_from_db()
    assert case.status == Status.AWAITING_FILER
    decision = case.deadlines.get(clock="decision")
    assert decision.paused_at is not None
    assert case.deadlines.get(clock="filer_reply").due_at > timezone.now() + timedelta(days=29)
    assert mail.outbox[-1].to == [creator.email]
    assert "Which frame" in mail.outbox[-1].body
    pause = CaseEvent.objects.get(case=case, event_type="deadline_paused")
    assert pause.actor == operator

    # Two days later the filer answers: the clock runs again with the working time of
    # those days added (a clock in business days moves in business time).
    paused_at = timezone.now() - timedelta(days=2)
    Deadline.objects.filter(pk=decision.pk).update(paused_at=paused_at)
    due_before = decision.due_at
    message_post(case=case, author=creator, body="Frame 412.")
    case.refresh_from_db()
    decision.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert decision.paused_at is None
    spec = BusinessCalendar.objects.get(is_default=True).spec()
    paused = business_minutes_between(paused_at, timezone.now(), spec)
    assert abs(business_minutes_between(due_before, decision.due_at, spec) - paused) <= 1
    window = spec.window(decision.due_at.astimezone(spec.tz).date())
    assert window and window[0] <= decision.due_at <= window[1]
    assert CaseEvent.objects.get(case=case, event_type="deadline_resumed").actor == creator


def test_decision_refuses_without_every_reason(client, operator, creator):
    case = file_case(filer=creator)
    client.force_login(operator)
    response = client.post(reverse("admin:complaints_case_decide", args=[case.pk]),
                           {"outcome": "upheld", "actions": ["output_removed"], "facts": "",
                            "ground": "", "automated_means": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Facts relied on: This field is required." in html
    assert "Ground (law or policy): This field is required." in html
    assert "Say how automated means were used." in html
    assert 'name="facts"' in html  # the decision form is shown again to complete
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_desk_fields_change_through_services(client, operator):
    case = file_case()
    client.force_login(operator)
    url = reverse("admin:complaints_case_change", args=[case.pk])
    response = client.post(url, {"assignee": operator.pk, "priority": "high"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == operator and case.priority == "high"
    assert {"assignee_changed", "priority_changed"} <= set(
        case.events.values_list("event_type", flat=True))


def test_the_assignee_is_chosen_not_edited_and_a_bad_priority_is_named(client, operator):
    """Beside the assignee: no link to add, change, delete or view a user (a case page is
    no place to delete a colleague). A refused value is named by its field, kept on the
    page."""
    case = file_case()
    client.force_login(operator)
    html = page(client, case)
    assert 'class="admin-autocomplete' in html and 'name="assignee"' in html
    for link in ("add-related", "change-related", "delete-related", "view-related"):
        assert link not in html
    assert reverse("admin:accounts_user_add") not in html
    response = client.post(reverse("admin:complaints_case_change", args=[case.pk]),
                           {"assignee": "", "priority": "soonest"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'form-row errors field-priority' in html and "soonest is not one of" in html
    case.refresh_from_db()
    assert case.priority != "soonest"


def test_the_case_form_is_each_viewers_own(client, operator):
    """The case page's form class is built once and kept, per language (the assignee's
    autocomplete speaks the viewer's) and per right: a colleague who may only view cases
    gets no fields to change, whoever opened the page before."""
    from django.contrib.auth.models import Permission

    from complaints.services.desk import case_assign

    case = file_case()
    case_assign(case=case, actor=operator, assignee=operator)
    client.force_login(operator)

    def assignee_select(html):
        return re.search(r'<select[^>]*name="assignee"[^>]*>', html).group(0)

    html = page(client, case)
    assert 'lang="en"' in assignee_select(html) and 'name="priority"' in html
    operator.language = "ja"
    operator.save(update_fields=["language"])
    html = page(client, case)
    assert 'lang="ja"' in assignee_select(html) and 'name="priority"' in html
    viewer = UserFactory(is_staff=True, email="vera@kotae.example")
    viewer.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(viewer)
    html = page(client, case)
    assert case.reference in html and 'name="priority"' not in html
    assert 'name="assignee"' not in html
    # What may not be changed is shown as it is: the assignee and the priority.
    readonly = re.findall(r'<label>([^<]*)</label>\s*<div class="readonly">(.*?)</div>', html)
    assert [(label, unescape(re.sub(r"<[^>]+>", "", value))) for label, value in readonly] == [
        ("Assignee:", "Olivia Operator <olivia@kotae.example>"), ("Priority:", "Normal")]
    client.force_login(operator)
    assert 'name="priority"' in page(client, case)


def test_the_kept_case_form_keeps_no_request(rf, operator):
    """The case form class is kept for the process; the request it was first built for
    (its user, session and data) is not kept with it."""
    import gc
    import weakref

    from django.contrib import admin

    from complaints.models import Case

    case = file_case()
    request = rf.get(f"/admin/complaints/case/{case.pk}/change/")
    request.user = operator
    case_admin = admin.site._registry[Case]
    form = case_admin.get_form(request, case, change=True)
    assert case_admin.get_form(request, case, change=True) is form  # built once
    gone = weakref.ref(request)
    del request
    gc.collect()
    assert gone() is None


def test_audit_trail_names_what_the_sweep_and_the_register_wrote(client, operator, creator):
    """The demo's first case runs out within minutes of `make run`, and withdrawn
    objections close their register entries: the trail names those steps in words."""
    from complaints.services.cases import case_withdraw
    from complaints.services.sweep import deadlines_sweep

    late = file_case(filer=creator)
    deadlines_sweep(now=timezone.now() + timedelta(days=30))
    objection = file_case(filer=creator, kind="training_objection", remedies=[],
                          training_uses=["training"])
    case_withdraw(case=objection, actor=creator)
    client.force_login(operator)
    html = page(client, late)
    assert "Deadline missed" in html and "deadline_breached" not in html
    html = page(client, objection)
    assert "Register entry no longer in force" in html
    assert "register_entry_closed" not in html


@pytest.mark.parametrize("language", ["en", "ja"])
def test_audit_trail_tells_every_event_in_words(client, operator, creator, language):
    """One event of every type: each shows its label and a sentence, never its stored
    code nor its values as "key: value;", and staff text stays escaped."""
    import html as html_lib
    import re

    from django.utils import translation

    from complaints.domain.events import EventType
    from tests.support.events import CODE, KEY_VALUE, events_of_every_type

    case = file_case(filer=creator)
    events_of_every_type(case, actor=operator)
    operator.language = language
    operator.save(update_fields=["language"])
    client.force_login(operator)
    html = page(client, case)
    trail = re.search(r'<ol class="plain audit">(.*?)</ol>', html, re.S).group(1)
    assert "<script>alert" not in trail and "&lt;script&gt;alert" in trail
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", trail))
    with translation.override(language):
        labels = {t: str(t.label) for t in EventType}
    for event_type in EventType:
        assert labels[event_type] in text, event_type
        assert event_type.value not in html, event_type
    assert not CODE.search(text), CODE.findall(text)
    assert not KEY_VALUE.search(text), KEY_VALUE.findall(text)
    assert len(re.findall(r"<small>", trail)) >= len(EventType)  # a sentence for each
    if language == "ja":
        assert "判断期限（2026年12月8日 16:34 JST）を超過しました。" in text
        assert "ステータスが「確認中」から「却下」に変わりました。" in text
    else:
        assert "The decision deadline (8 Dec 2026, 16:34 JST) was missed." in text


def test_audit_event_records_are_listed_in_words(client, operator, creator):
    import html as html_lib
    import re

    from complaints.domain.events import EventType
    from tests.support.events import CODE, events_of_every_type

    case = file_case(filer=creator)
    events_of_every_type(case, actor=operator)
    client.force_login(operator)
    listing = client.get(reverse("admin:complaints_caseevent_changelist"), {"all": ""})
    assert listing.status_code == 200
    table = re.search(r'<table id="result_list">(.*?)</table>',
                      listing.content.decode(), re.S).group(1)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", table))
    assert "Deadline missed" in text and "Register entry applied" in text
    assert "The decision deadline (8 Dec 2026, 16:34 JST) was missed." in text
    assert not CODE.search(text), CODE.findall(text)
    only = client.get(reverse("admin:complaints_caseevent_changelist"),
                      {"event_type": EventType.DEADLINE_BREACHED.value}).content.decode()
    only = re.search(r'<table id="result_list">(.*?)</table>', only, re.S).group(1)
    assert "Deadline missed" in only and "Register entry applied" not in only
    event = case.events.get(event_type=EventType.PRIORITY_CHANGED)
    view = client.get(reverse("admin:complaints_caseevent_change", args=[event.pk]))
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", view.content.decode()))
    assert "The priority changed from “Normal” to “Urgent”." in text
    assert "priority_changed" not in text


def _thread_article(html: str, body: str) -> str:
    """The thread's message with these words, as a reader sees it."""
    from tests.support.pages import text_of

    [article] = [part for part in html.split("<article")[1:] if body in part]
    return " ".join(text_of(article.split("</article>")[0]).split())


def test_a_request_for_information_shows_as_one_with_its_reply_by_date(
        client, operator, creator):
    """Not as "Public reply": the desk sees what it asked and by when the filer answers."""
    from django.utils import translation

    from complaints.services.desk import info_request
    from complaints.templatetags.kotae import when

    case = file_case(filer=creator)
    message_post(case=case, author=operator, body="We are looking into it.")
    info_request(case=case, actor=operator, body="Which frame shows the character?")
    due = case.deadlines.get(clock="filer_reply").due_at
    client.force_login(operator)
    html = page(client, case)
    asked = _thread_article(html, "Which frame")
    assert "Request for information" in asked and "Public reply" not in asked
    with translation.override("en"), timezone.override(operator.time_zone):
        assert f"Reply by {when(due)}" in asked
    reply = _thread_article(html, "We are looking into it.")
    assert "Public reply" in reply and "Reply by" not in reply

    operator.language = "ja"
    operator.save(update_fields=["language"])
    asked = _thread_article(page(client, case), "Which frame")
    with translation.override("ja"), timezone.override(operator.time_zone):
        assert f"追加情報のお願い 返信期限：{when(due)}" in asked


def test_each_request_keeps_its_own_reply_by_date(client, operator, creator):
    from django.utils import translation

    from complaints.services.desk import info_request
    from complaints.templatetags.kotae import when

    case = file_case(filer=creator)
    info_request(case=case, actor=operator, body="First question")
    first_due = case.deadlines.get(clock="filer_reply").due_at
    message_post(case=case, author=creator, body="First answer")
    Deadline.objects.filter(case=case, clock="filer_reply").update(
        started_at=timezone.now() - timedelta(days=3))
    info_request(case=case, actor=operator, body="Second question")
    second_due = case.deadlines.get(clock="filer_reply").due_at
    assert first_due != second_due
    client.force_login(operator)
    html = page(client, case)
    with translation.override("en"), timezone.override(operator.time_zone):
        assert f"Reply by {when(first_due)}" in _thread_article(html, "First question")
        assert f"Reply by {when(second_due)}" in _thread_article(html, "Second question")
    assert "From the filer" in _thread_article(html, "First answer")


def test_the_pages_scripts_follow_the_language_and_the_right(client, operator):
    """The page's script tags are written once per list of files (media_rendered_once),
    and each page still gets its own list: the autocomplete's messages in the viewer's
    language, and none of the autocomplete's files for one who may only view."""
    from django import forms
    from django.contrib.auth.models import Permission

    from complaints.admin.forms import media_rendered_once

    def scripts(html):
        return re.findall(r'<script src="([^"]+)"', html)

    case = file_case()
    client.force_login(operator)
    english = scripts(page(client, case))
    assert "/static/admin/js/vendor/select2/i18n/en.js" in english
    operator.language = "ja"
    operator.save(update_fields=["language"])
    japanese = scripts(page(client, case))
    assert "/static/admin/js/vendor/select2/i18n/ja.js" in japanese
    assert not any("i18n/en.js" in src for src in japanese)
    viewer = UserFactory(is_staff=True, email="vera@kotae.example")
    viewer.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(viewer)
    assert not any("select2" in src for src in scripts(page(client, case)))

    first, second = forms.Media(js=["a.js"]), forms.Media(js=["a.js", "b.js"], css={
        "all": ["b.css"]})
    for media in (first, second, first):
        assert media_rendered_once(media) == str(media)
