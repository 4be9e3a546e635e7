"""What real notices carry (issue 19): contact details required under US law, the accuracy
statement worded by the law, the kinds of work a catalogue needs, the notice's own language,
and which location copies which work — refused and accepted alike by the portal and the
API, and shown to the desk and the filer (never to an output's owner: test_owner_page)."""
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from complaints.domain.kinds import ERROR_NO_SUCH_WORK, MISSING
from complaints.domain.languages import ERROR_NOTICE_LANGUAGE
from complaints.domain.laws import accuracy_statement_text
from complaints.models import Case, Work
from complaints.services.cases import LocationData, WorkData
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

CONTACT = ("filer_postal_address", "filer_phone", "principal_postal_address",
           "principal_phone")
NO_CONTACT = dict.fromkeys(CONTACT, "")
API_NAME = {"filer_postal_address": "postal_address", "filer_phone": "phone",
            "principal_postal_address": "agent.postal_address",
            "principal_phone": "agent.phone"}
AGENT = {"principal_name": "Studio Hoshizora", "authority_statement": "Mandate M-22."}


def _api_body(**overrides):
    body = {"kind": "output_complaint", "title": "Copied", "law": "us_dmca",
            "ai_product": "DreamReel", "similarity": "Same face.",
            "remedies": ["remove_output"], "good_faith_statement": True,
            "accuracy_statement": True, "signature": "Hanako Yamada",
            "postal_address": "1-2-3 Jingumae, Tokyo", "phone": "+81 3-1234-5678",
            "works": [{"title": "Hoshizora Quest", "kind": "anime"}],
            "locations": [{"url": "https://dreamreel.example/v/abc123"}]}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _api(client, **overrides):
    return client.post("/api/v1/cases/", _api_body(**overrides),
                       content_type="application/json")


def _portal(client, **overrides):
    return send(client, reverse("complaints:case_new", args=["output-complaint"]),
                portal_data.output_complaint(**overrides))


def _portal_text(response) -> str:
    return text_of(response.content.decode())


# --- Contact details: required under US law, optional otherwise --------------------

@pytest.mark.parametrize("channel", ["portal", "api"])
def test_a_notice_under_us_law_without_contact_details_is_refused_alike(client, creator,
                                                                       channel):
    client.force_login(creator)
    if channel == "portal":
        response = _portal(client, filed_as="agent", **AGENT, **NO_CONTACT)
        page = _portal_text(response)
        for name in CONTACT:
            assert str(MISSING[name]) in page, name
    else:
        response = _api(client, postal_address="", phone=None,
                        agent={**AGENT, "postal_address": " "})
        fields = response.json()["fields"]
        for name in CONTACT:
            assert fields[API_NAME[name]] == [str(MISSING[name])], name
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_under_another_law_contact_details_are_optional(client, creator, channel):
    client.force_login(creator)
    if channel == "portal":
        response = _portal(client, law="eu_dsa", **NO_CONTACT)
    else:
        response = _api(client, law="eu_dsa", postal_address=None, phone=None)
    assert response.status_code in (201, 302), response.content[:400]
    assert Case.objects.get().filer_phone == ""


def test_the_service_itself_refuses_a_us_notice_without_contact(creator):
    with pytest.raises(ValidationError) as refused:
        file_case(filer=creator, filed_as="agent", **AGENT, **NO_CONTACT)
    assert set(CONTACT) <= set(refused.value.message_dict)
    assert not Case.objects.exists()


def test_the_contact_details_sent_are_kept_and_shown_to_the_filer_and_the_desk(
        client, creator, operator):
    client.force_login(creator)
    response = _api(client, agent={**AGENT, "postal_address": "4-5-6 Roppongi, Tokyo",
                                   "phone": "+81 3-8765-4321"})
    assert response.status_code == 201, response.content[:400]
    case = Case.objects.get()
    assert (case.filer_postal_address, case.principal_phone) == (
        "1-2-3 Jingumae, Tokyo", "+81 3-8765-4321")
    filer_page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    for shown in ("1-2-3 Jingumae, Tokyo", "+81 3-1234-5678", "4-5-6 Roppongi, Tokyo"):
        assert shown in filer_page.content.decode(), shown
    client.force_login(operator)
    desk = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    desk = text_of(desk)
    for shown in ("Filer's contact details", "1-2-3 Jingumae, Tokyo",
                  "+81 3-8765-4321"):
        assert shown in desk, shown


# --- The principal's details: only an agent's filing has a principal --------------

PRINCIPAL = {"principal_name": "Agency Kumo", "authority_statement": "Mandate M-22.",
             "principal_postal_address": "東京都港区六本木4-5-6",
             "principal_phone": "+81 3-8765-4321"}


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_a_rights_holders_own_filing_keeps_no_principal_details(client, creator, channel,
                                                                on_commit):
    """The agent's fields, typed and then left behind for "the rights holder" (or sent
    by a page not of ours), are neither shown for review nor stored nor in the copy."""
    client.force_login(creator)
    if channel == "portal":
        url = reverse("complaints:case_new", args=["output-complaint"])
        data = portal_data.output_complaint(filed_as="rights_holder", **PRINCIPAL)
        review = _portal_text(send(client, url, portal_data.reviewing(data)))
        assert "Your notice" in review
        assert not [v for v in PRINCIPAL.values() if v in review]
        with on_commit():
            response = portal_data.review_and_send(client, url, data)
    else:
        with on_commit():
            response = _api(client)  # no `agent`: the filer is the rights holder
    assert response.status_code in (201, 302), response.content[:400]
    case = Case.objects.get()
    assert case.filed_as == "rights_holder"
    assert {name: getattr(case, name) for name in PRINCIPAL} == dict.fromkeys(PRINCIPAL, "")
    copy = _portal_text(client.get(reverse("complaints:case_copy", args=[case.reference])))
    receipt = mail.outbox[0].body
    for shown in (copy, receipt, case.content_as_sent):
        assert not [v for v in PRINCIPAL.values() if v in shown]
        assert "Rights holder represented" not in shown


def test_the_service_keeps_no_principal_details_without_an_agent(creator):
    case = file_case(filer=creator, filed_as="rights_holder", **PRINCIPAL)
    case.refresh_from_db()
    assert {name: getattr(case, name) for name in PRINCIPAL} == dict.fromkeys(PRINCIPAL, "")
    assert not [v for v in PRINCIPAL.values() if v in case.content_as_sent]
    agent = file_case(filer=creator, filed_as="agent", **PRINCIPAL)
    agent.refresh_from_db()
    assert {name: getattr(agent, name) for name in PRINCIPAL} == PRINCIPAL


# --- The accuracy statement, worded by the law --------------------------------------

def test_the_accuracy_statement_follows_the_law_everywhere(client, creator, operator):
    assert "under penalty of perjury" in accuracy_statement_text("us_dmca")
    assert "penalty of perjury" not in accuracy_statement_text("eu_dsa")
    assert accuracy_statement_text("japan") != accuracy_statement_text("")
    with translation.override("ja"):
        assert "偽証" in accuracy_statement_text("us_dmca")
    schema = client.get("/api/v1/schema/").content.decode()
    assert "under penalty of perjury" in schema
    case = file_case(filer=creator, law="us_dmca")
    assert case.accuracy_statement_text == accuracy_statement_text("us_dmca")
    client.force_login(operator)
    desk = text_of(client.get(reverse("admin:complaints_case_change",
                                      args=[case.pk])).content.decode())
    assert accuracy_statement_text("us_dmca") in desk


# --- Work kinds ----------------------------------------------------------------------

NEW_KINDS = ["software", "book", "photograph", "font", "video"]


@pytest.mark.parametrize("kind", NEW_KINDS)
@pytest.mark.parametrize("channel", ["portal", "api"])
def test_the_kinds_a_catalogue_needs_are_accepted(client, creator, channel, kind):
    client.force_login(creator)
    if channel == "portal":
        response = _portal(client, works=[("Hoshizora", kind)])
    else:
        response = _api(client, works=[{"title": "Hoshizora", "kind": kind}])
    assert response.status_code in (201, 302), response.content[:400]
    assert Case.objects.get().works.get().kind == kind


def test_the_kinds_are_offered_in_japanese_and_in_the_schema(client, creator):
    assert [k for k in Work.Kind.values if k != "other"][-5:] == NEW_KINDS
    with translation.override("ja"):
        labels = dict(Work.Kind.choices)
        assert [str(labels[k]) for k in NEW_KINDS] == ["ソフトウェア", "書籍", "写真",
                                                      "フォント", "動画"]
    schema = client.get("/api/v1/schema/").content.decode()
    for kind in NEW_KINDS:
        assert f"- {kind}" in schema, kind


# --- The notice's language -------------------------------------------------------------

def test_the_notice_language_defaults_to_the_answer_language(client, creator):
    creator.language = "ja"
    creator.save()
    client.force_login(creator)
    form = client.get(reverse("complaints:case_new", args=["output-complaint"]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "申立ての記載言語" in form
    assert '<option value="ja" selected>' in form
    _portal(client, notice_language="")
    assert Case.objects.get().notice_language == Case.objects.get().language


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_a_notice_in_any_language_is_kept_apart_from_the_answer_language(client, creator,
                                                                        channel):
    client.force_login(creator)
    response = (_portal(client, notice_language="zh") if channel == "portal"
                else _api(client, notice_language="zh", language="en"))
    assert response.status_code in (201, 302), response.content[:400]
    case = Case.objects.get()
    assert (case.notice_language, case.language) == ("zh", "en")
    if channel == "api":
        detail = client.get(f"/api/v1/cases/{case.reference}/").json()
        assert detail["notice_language"] == "zh"


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_an_unknown_language_is_refused_alike(client, creator, channel):
    client.force_login(creator)
    if channel == "portal":
        assert str(ERROR_NOTICE_LANGUAGE) in _portal_text(_portal(client,
                                                                  notice_language="xx"))
    else:
        response = _api(client, notice_language="xx")
        assert response.json()["fields"]["notice_language"] == [str(ERROR_NOTICE_LANGUAGE)]
    assert not Case.objects.exists()


def test_the_desk_sees_and_filters_by_the_notice_language(client, creator, operator):
    chinese = file_case(filer=creator, title="Chinese notice", notice_language="zh")
    greek = file_case(filer=creator, title="Greek notice", notice_language="el")
    operator.language = "ja"
    operator.save()
    client.force_login(operator)
    queue = reverse("admin:complaints_case_changelist")
    page = client.get(queue, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "申立ての記載言語" in page and "中国語" in page and "ギリシャ語" in page
    filtered = client.get(queue + "?notice_language=zh").content.decode()
    assert chinese.title in filtered and greek.title not in filtered
    assert "中国語" in page
    desk = client.get(reverse("admin:complaints_case_change", args=[greek.pk]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ギリシャ語" in desk


def test_the_queue_filtered_by_language_costs_the_same_for_5_or_50_cases(
        client, creator, operator, django_assert_max_num_queries):
    client.force_login(operator)
    url = reverse("admin:complaints_case_changelist") + "?notice_language=zh"
    counts = []
    for total in (5, 50):
        while Case.objects.count() < total:
            file_case(filer=creator, notice_language="zh")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        client.get(url)  # the filter's list of languages is cached a while
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Which location copies which work -------------------------------------------------

def test_a_location_names_the_works_it_copies_and_the_desk_sees_it(client, creator,
                                                                   operator):
    client.force_login(creator)
    response = _api(client, works=[{"title": "Hoshizora Quest", "kind": "anime"},
                                   {"title": "Aki Sketchbook", "kind": "book"}],
                    locations=[{"url": "https://dreamreel.example/v/1", "works": [2]},
                               {"url": "https://dreamreel.example/v/2", "works": [1, 2]},
                               {"url": "https://dreamreel.example/v/3"}])
    assert response.status_code == 201, response.content[:400]
    case = Case.objects.get()
    copied = [loc.copied_work_titles for loc in case.locations.all()]
    assert copied == [["Aki Sketchbook"], ["Hoshizora Quest", "Aki Sketchbook"], []]
    client.force_login(operator)
    desk = text_of(client.get(reverse("admin:complaints_case_change",
                                      args=[case.pk])).content.decode())
    assert "Copies: Aki Sketchbook" in " ".join(desk.split())


def test_the_portal_takes_work_numbers_per_location(client, creator):
    client.force_login(creator)
    response = _portal(client, works=[("Hoshizora Quest", "anime"), ("Aki", "character")],
                       locations=["https://dreamreel.example/v/1"],
                       **{"locations-0-works": "2、1"})
    assert response.status_code == 302, _portal_text(response)[:600]
    location = Case.objects.get().locations.get()
    assert sorted(location.copied_work_titles) == ["Aki", "Hoshizora Quest"]


@pytest.mark.parametrize("channel", ["portal", "api"])
def test_a_work_number_the_notice_does_not_have_is_refused_alike(client, creator, channel):
    client.force_login(creator)
    message = str(ERROR_NO_SUCH_WORK % {"number": 3})
    if channel == "portal":
        response = _portal(client, **{"locations-0-works": "1, 3"})
        assert message in _portal_text(response)
        assert 'value="1, 3"' in response.content.decode()  # what was typed is kept
    else:
        response = _api(client, locations=[{"url": "https://dreamreel.example/v/1",
                                            "works": [1, 3]}])
        assert response.json()["fields"]["locations.0.works"] == [message]
    assert not Case.objects.exists()


def test_the_service_writes_the_links_in_bulk(creator, django_assert_max_num_queries):
    works = [WorkData(title=f"Work {n}", kind="anime") for n in range(20)]
    locations = [LocationData(url=f"https://dreamreel.example/v/{n}", works=(n % 20 + 1,))
                 for n in range(40)]
    file_case(filer=creator, works=works, locations=locations[:2])
    with django_assert_max_num_queries(40) as few:
        file_case(filer=creator, works=works[:1],
                  locations=[LocationData(url="https://dreamreel.example/v/x", works=(1,))])
    with django_assert_max_num_queries(len(few.captured_queries)):
        file_case(filer=creator, works=works, locations=locations)


def test_contact_fields_are_never_marked_optional(client, creator):
    # Required under US law: "(optional)" beside them would tell a US filer otherwise.
    client.force_login(creator)
    page = client.get("/cases/new/output-complaint/").content.decode()
    label = re.search(r'<label for="id_filer_postal_address">(.*?)</label>', page, re.S)
    assert label and "optional" not in label.group(1)
