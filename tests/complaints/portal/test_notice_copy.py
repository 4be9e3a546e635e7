"""The copy of what was sent: in the receipt e-mail, and as a printable page with the
SHA-256 of the notice as sent."""
import hashlib
import json
from types import SimpleNamespace

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from rest_framework.fields import ListField
from rest_framework.serializers import ListSerializer

from accounts.services import organisation_create, organisation_member_add
from complaints.api.serializers import CASE_IN
from complaints.domain.languages import notice_language_label
from complaints.domain.notice_copy import notice_canonical, notice_sha256
from complaints.models import Case
from complaints.portal.filing import APPEAL_SPEC, SPECS, Filing
from complaints.selectors.notice_copy import notice_copy_present
from complaints.services.notice_copy import notice_content
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import review_and_send
from tests.factories import UserFactory, file_case, png_upload, staff_user
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

URL = reverse("complaints:case_new", args=["output-complaint"])


def urls(n):
    return [f"https://dreamreel.example/v/{i:04d}" for i in range(1, n + 1)]


def filed(client, creator, on_commit, *, locations=1):
    client.force_login(creator)
    data = portal_data.output_complaint(paste_locations="\n".join(urls(locations)))
    with on_commit():
        response = review_and_send(client, URL, {**data, "evidence": [png_upload("f.png")]})
    assert response.status_code == 302
    return Case.objects.get()


def test_the_receipt_carries_a_copy_of_the_notice(client, creator, on_commit):
    case = filed(client, creator, on_commit, locations=3)
    email = mail.outbox[0]
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "A copy of your notice as sent" in text
        assert "Video copies Hoshino Aki" in text and "DreamReel video" in text
        assert "Hoshizora Quest" in text and "Studio Hoshizora" in text
        assert all(url in text for url in urls(3))
        assert "f.png" in text and case.content_sha256 in text
        assert f"/cases/{case.reference}/copy/" in text
        assert "Only the first rows are listed" not in text


def test_a_long_notice_lists_the_first_50_rows_and_links_the_rest(client, creator, on_commit):
    case = filed(client, creator, on_commit, locations=60)
    body = mail.outbox[0].body
    assert "Output locations (61)" in body
    assert urls(49)[-1] in body and urls(50)[-1] not in body  # 1 row + 49 pasted
    assert "Only the first rows are listed here (50 output locations, 1 work)." in body
    html = mail.outbox[0].alternatives[0][0]
    assert "Only the first rows are listed here (50 output locations, 1 work)." in html
    assert f"/cases/{case.reference}/copy/" in body


def _email_copy(content, language):
    case = Case(reference="KT-2026-000123", content_sha256="0" * 64,
                content_as_sent=notice_canonical(content))
    with translation.override(language):
        return [render_to_string(f"emails/parts/notice_copy.{ext}", {"case": case})
                for ext in ("txt", "html")]


def test_the_cut_names_only_the_rows_a_notice_has_in_either_language():
    works = [{"title": f"Work {i}", "kind": "anime", "rights_holder": "", "identifier": ""}
             for i in range(1, 1201)]
    content = {"title": "Do not train on our catalogue", "kind": "training-objection",
               "works": works, "locations": []}
    for text in _email_copy(content, "en"):
        assert "Only the first rows are listed here (50 works)." in text
        assert "Works (1,200)" in text and "output location" not in text
    for text in _email_copy(content, "ja"):
        assert "ここには最初の一部のみを記載しています（作品50件）。" in text
        assert "生成物の掲載場所" not in text
    content["works"] = works[:1]
    content["locations"] = [{"url": f"https://dreamreel.example/v/{i}", "seen_at": None,
                             "prompt": "", "works": []} for i in range(1, 52)]
    for text in _email_copy(content, "ja"):
        assert "（生成物の掲載場所50件、作品1件）" in text


def test_the_hash_is_sha256_of_the_canonical_json_of_the_notice(client, creator, on_commit):
    case = filed(client, creator, on_commit, locations=2)
    assert case.content_sha256 == hashlib.sha256(
        case.content_as_sent.encode("utf-8")).hexdigest()
    content = json.loads(case.content_as_sent)
    assert content["title"] == "Video copies Hoshino Aki"
    assert [loc["url"] for loc in content["locations"]] == [
        "https://dreamreel.example/v/abc123", *urls(2)]
    assert content["evidence"][0]["sha256"] == case.evidence.get().sha256
    assert notice_sha256(content) == case.content_sha256
    # What the stored rows say, read back, hashes to the same value.
    rows = {"works": [{"title": w.title, "kind": w.kind, "rights_holder": w.rights_holder,
                       "identifier": w.identifier} for w in case.works.order_by("position")],
            "locations": [{"url": loc.url, "seen_at": loc.seen_at.isoformat()
                           if loc.seen_at else None, "prompt": loc.prompt,
                           "works": [w.position + 1 for w in loc.works.order_by("position")]}
                          for loc in case.locations.order_by("position")]}
    assert json.loads(notice_canonical({**content, **rows})) == content


# Parts a filer sends that the copy names otherwise: evidence files by name and SHA-256,
# the organisation by its name (notice_record); the kind heads the copy; statements that
# must be true; the rows (works, locations, questions: rows' own tests); `language` is the
# portal's language for answers, not part of the notice.
NAMED_OTHERWISE = {"evidence", "organisation", "kind", "language", "good_faith_statement",
                   "accuracy_statement", "works", "locations", "questions", "catalogue"}


def _choice_values(field) -> list:
    choices = getattr(field, "choices", None) or []
    return list(choices) if isinstance(choices, dict) else [c[0] for c in choices]


def _default(field):
    from rest_framework.fields import SkipField
    try:
        return field.get_default()
    except SkipField:
        return ""


def _changed(field, name):
    """A value the filer could send for `field` other than the baseline's."""
    from django import forms as django_forms
    from rest_framework import serializers as rest
    if isinstance(field, (django_forms.BooleanField, rest.BooleanField)):
        return True
    choices = [c for c in _choice_values(field) if c not in ("", None)]
    if isinstance(field, (django_forms.MultipleChoiceField, rest.ListField)):
        return [choices[-1]] if choices else [f"changed {name}"]
    if choices:
        return list(choices)[-1]
    return f"changed {name}"


def _copy_of(draft):
    content = notice_content(draft=draft)
    shown = "\n".join(value for _label, value in
                       notice_copy_present(json.loads(notice_canonical(content))).fields)
    return notice_canonical(content), notice_sha256(content), shown


def _shown_as(value, field, name):
    if value is True:
        return ""
    if name == "notice_language":  # named, as on the desk
        return [notice_language_label(value)]
    choices = getattr(field, "choices", None) or {}
    choices = choices if isinstance(choices, dict) else dict(choices)
    values = value if isinstance(value, list) else [value]
    return [str(choices.get(v, v)) for v in values]


@pytest.mark.parametrize("slug", [*SPECS, "appeal"])
def test_every_part_a_portal_form_sends_is_in_the_copy_and_its_hash(slug, creator):
    spec = APPEAL_SPEC if slug == "appeal" else SPECS[slug]
    form = spec.form_class(user=creator)
    filing = Filing.__new__(Filing)
    filing.spec, filing.rows, filing.appeal_of = spec, {}, None
    filing.paste = SimpleNamespace(works=[], bad_work_lines=[], locations=[])
    baseline = {"filed_as": "agent"}  # an agent's notice holds the principal's details too

    def copy_with(data):
        filing.form = SimpleNamespace(cleaned_data=data)
        return _copy_of(filing.draft(language="en"))

    before = copy_with(baseline)
    checked = []
    for name, field in form.fields.items():
        if name in NAMED_OTHERWISE:
            continue
        value = _changed(field, name)
        if baseline.get(name) == value:
            value = _choice_values(field)[0]
        content, sha256, shown = copy_with({**baseline, name: value})
        assert content != before[0] and sha256 != before[1], f"{slug}: {name} is not copied"
        for text in _shown_as(value, field, name):
            assert text in shown, f"{slug}: {name} is not on the printable copy"
        checked.append(name)
    assert {"title", "signature", "notice_language"} & set(checked)


@pytest.mark.parametrize("kind", list(CASE_IN))
def test_every_part_the_api_takes_is_in_the_copy_and_its_hash(kind, creator, rf):
    serializer_class = CASE_IN[kind]
    request = rf.post("/")
    request.user = creator
    baseline = {name: _default(field) if not field.required else
                ([] if isinstance(field, (ListField, ListSerializer)) else "")
                for name, field in serializer_class().fields.items()}
    baseline.update(signature="Hanako Yamada", agent={
        "principal_name": "", "authority_statement": "", "postal_address": "", "phone": ""})

    def copy_with(data):
        serializer = serializer_class(data={}, context={"request": request})
        serializer._validated_data = data
        return _copy_of(serializer.draft())

    before = copy_with(baseline)
    parts = [((name,), field) for name, field in serializer_class().fields.items()
             if name not in NAMED_OTHERWISE and name != "agent"]
    parts += [(("agent", name), field) for name, field in
              serializer_class().fields["agent"].fields.items()]
    for path, field in parts:
        value = _changed(getattr(field, "child", field), path[-1])
        if isinstance(field, ListField):
            value = value if isinstance(value, list) else [value]
        data = {**baseline, "agent": dict(baseline["agent"])}
        (data["agent"] if len(path) == 2 else data)[path[-1]] = value
        content, sha256, shown = copy_with(data)
        assert content != before[0] and sha256 != before[1], f"{kind}: {path} is not copied"
        for text in _shown_as(value, getattr(field, "child", field), path[-1]):
            assert text in shown, f"{kind}: {path} is not on the printable copy"


def test_the_printable_copy_shows_reference_receipt_time_and_hash(client, creator, on_commit):
    case = filed(client, creator, on_commit, locations=60)
    page = client.get(reverse("complaints:case_copy", args=[case.reference])).content.decode()
    assert case.reference in page and "Received on" in page
    assert "SHA-256" in page and case.content_sha256 in page
    assert all(url in page for url in urls(60))  # the whole notice, not the e-mail's cut
    assert "kotae/copy.css" in page
    detail = client.get(reverse("complaints:case_detail", args=[case.reference]))
    assert reverse("complaints:case_copy", args=[case.reference]) in detail.content.decode()
    download = client.get(reverse("complaints:case_copy", args=[case.reference]),
                          {"format": "json"})
    assert hashlib.sha256(download.content).hexdigest() == case.content_sha256


def test_the_printable_copy_in_japanese(client, creator, on_commit):
    case = filed(client, creator, on_commit)
    creator.language = "ja"
    creator.save()
    page = client.get(reverse("complaints:case_copy", args=[case.reference])).content.decode()
    assert "送信した申立ての写し" in page and "受付番号" in page


def test_who_may_open_the_copy(client, creator, on_commit):
    case = filed(client, creator, on_commit)
    url = reverse("complaints:case_copy", args=[case.reference])
    assert client.get(url).status_code == 200
    client.force_login(staff_user(email="op@kotae.example"))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(email="stranger@example.com"))
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "json"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_an_organisation_member_may_open_the_copy(client, creator):
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    colleague = UserFactory(email="colleague@example.com")
    organisation_member_add(organisation=studio, user=colleague)
    case = file_case(filer=creator, organisation_id=studio.pk)
    client.force_login(colleague)
    page = client.get(reverse("complaints:case_copy", args=[case.reference]))
    assert page.status_code == 200 and case.content_sha256 in page.content.decode()
    assert "Studio Hoshizora" in page.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_copy_page_costs_the_same_queries_for_5_or_50_rows(
        client, creator, on_commit, django_assert_max_num_queries, rows):
    case = filed(client, creator, on_commit, locations=rows)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("complaints:case_copy",
                                  args=[case.reference])).status_code == 200


def test_the_receipts_copy_in_japanese(client, creator, on_commit):
    creator.language = "ja"
    creator.save()
    case = filed(client, creator, on_commit, locations=60)
    body = mail.outbox[0].body
    assert "送信いただいた申立ての写し" in body and "生成物の掲載場所（61件）" in body
    assert "ここには最初の一部のみを記載しています（生成物の掲載場所50件、作品1件）" in body
    assert f"SHA-256ハッシュ値：{case.content_sha256}" in body


# --- What each location copies, and the statements in the words confirmed --------------

GOOD_FAITH = ("I have a good-faith belief that the use described is not authorised by the "
              "rights holder, its agent, or the law.")
ACCURACY_US = ("The information in this notice is accurate, and under penalty of perjury, I "
               "am the rights holder or authorised to act on their behalf.")


def two_works_data():
    data = portal_data.output_complaint(
        works=[("Hoshizora Quest", "anime"), ("Star Drift", "manga")],
        locations=["https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"])
    data.update({"locations-0-works": "2", "locations-1-works": "1, 2"})
    return data


def _rows_of(text):
    return " ".join(text.split())


def test_review_copy_and_receipt_name_the_works_each_location_copies_and_the_statements(
        client, creator, on_commit):
    client.force_login(creator)
    data = two_works_data()
    review = client.post(URL, portal_data.reviewing(data)).content.decode()
    with on_commit():
        assert review_and_send(client, URL, data).status_code == 302
    case = Case.objects.get()
    page = client.get(reverse("complaints:case_copy", args=[case.reference])).content.decode()
    email = mail.outbox[0]
    for text in (review, page, email.body, email.alternatives[0][0]):
        text = _rows_of(text_of(text))
        assert "Works it copies: work 2 “Star Drift”" in text
        assert "Works it copies: work 1 “Hoshizora Quest”, work 2 “Star Drift”" in text
        assert GOOD_FAITH in text and ACCURACY_US in text


def test_the_hash_covers_what_each_location_copies_and_the_statements_words(
        client, creator, on_commit):
    client.force_login(creator)
    with on_commit():
        review_and_send(client, URL, two_works_data())
    case = Case.objects.get()
    content = json.loads(case.content_as_sent)
    assert [loc["works"] for loc in content["locations"]] == [[2], [1, 2]]
    assert content["statements"] == {"good_faith_statement": GOOD_FAITH,
                                     "accuracy_statement": ACCURACY_US}
    changed = {**content, "statements": {**content["statements"], "good_faith_statement": "x"}}
    assert notice_sha256(changed) != case.content_sha256


def test_the_statements_are_copied_in_the_words_of_the_language_they_were_confirmed_in(
        client, creator, on_commit):
    creator.language = "ja"
    creator.save()
    client.force_login(creator)
    with on_commit():
        review_and_send(client, URL, two_works_data())
    case = Case.objects.get()
    body = _rows_of(mail.outbox[0].body)
    assert "複製・翻案している作品：作品1「Hoshizora Quest」、作品2「Star Drift」" in body
    assert "偽証罪の制裁を受けることを認識したうえで表明します" in body
    assert "偽証罪の制裁を受けることを認識したうえで表明します" in case.content_as_sent


def test_a_copy_kept_before_the_statements_words_were_reads_them_from_kind_and_law(
        client, creator):
    case = file_case(filer=creator)
    content = json.loads(case.content_as_sent)
    del content["statements"]  # a copy kept before: the statements as true/false only
    content["format"] = "kotae-notice/1"
    Case.objects.filter(pk=case.pk).update(content_as_sent=notice_canonical(content),
                                           content_sha256=notice_sha256(content))
    client.force_login(creator)
    page = _rows_of(text_of(client.get(
        reverse("complaints:case_copy", args=[case.reference])).content.decode()))
    assert GOOD_FAITH in page and ACCURACY_US in page


def test_a_questions_copy_has_the_accuracy_statement_its_filer_confirmed(
        client, creator, on_commit):
    client.force_login(creator)
    url = reverse("complaints:case_new", args=["inquiry"])
    form = client.get(url).content.decode()
    confirmed = "The information I give here is accurate to the best of my knowledge."
    assert confirmed in form
    with on_commit():
        assert review_and_send(client, url, portal_data.inquiry()).status_code == 302
    case = Case.objects.get()
    page = _rows_of(text_of(client.get(
        reverse("complaints:case_copy", args=[case.reference])).content.decode()))
    assert confirmed in page and confirmed in mail.outbox[0].body
    assert "I am the rights holder" not in page


def test_the_copys_back_link_leads_where_the_reader_may_go(client, creator, operator):
    case = file_case(filer=creator)
    copy_url = reverse("complaints:case_copy", args=[case.reference])
    portal_page = reverse("complaints:case_detail", args=[case.reference])
    client.force_login(creator)
    assert f'href="{portal_page}"' in client.get(copy_url).content.decode()
    client.force_login(operator)  # staff: the desk's page, not a portal page that is a 404
    page = client.get(copy_url).content.decode()
    desk_page = reverse("admin:complaints_case_change", args=[case.pk])
    assert f'href="{desk_page}"' in page and f'href="{portal_page}"' not in page
    assert client.get(desk_page).status_code == 200
