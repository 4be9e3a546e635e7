"""The output owner's page, reached without login through the signed link."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Case, Notification, OutputOwner
from complaints.services.decisions import decision_record
from complaints.services.owners import owner_link_path, owner_link_token, owner_name
from tests.factories import LocationData, WorkData, file_case

pytestmark = pytest.mark.django_db

OWNER_EMAIL = "aki-fan@generations.example"
MINE = "https://dreamreel.example/v/abc123"
THEIRS = "https://dreamreel.example/v/zzz999"


@pytest.fixture
def case(creator, operator):
    case = file_case(filer=creator, law="us_dmca", signature="Hanako Yamada",
                     filed_as="agent", principal_name="Studio Hoshizora",
                     authority_statement="Mandate M-22.",
                     locations=[LocationData(url=MINE), LocationData(url=THEIRS)])
    mine, theirs = case.locations.all()
    owner_name(location=mine, ai_product=case.ai_product, account_id="u-1", handle="aki_fan",
               email=OWNER_EMAIL, actor=operator)
    owner_name(location=theirs, ai_product=case.ai_product, account_id="u-2",
               handle="someone_else", email="other@generations.example", actor=operator)
    return case


@pytest.fixture
def owner():
    return OutputOwner.objects.get(account_id="u-1")


def _url(case, owner):
    return owner_link_path(owner=owner, case=case)


def _decide(case, operator):
    decision_record(case=case, decided_by=operator, outcome="upheld",
                    actions=["output_removed"], facts="Frames 12-13 match.",
                    ground="Copyright Act art. 21.", automated_means=False)


def test_the_owner_sees_the_notice_and_their_output_only(client, case, owner, creator):
    response = client.get(_url(case, owner))
    page = response.content.decode()

    assert response.status_code == 200
    for shown in (case.title, "Hoshizora Quest", case.similarity, "Remove the output", MINE,
                  "Studio Hoshizora, through their agent Hanako Yamada",
                  "United States: DMCA"):
        assert shown in page, shown
    for hidden in (THEIRS, "someone_else", creator.email, "other@generations.example"):
        assert hidden not in page, hidden
    # The complainant's and the principal's contact details are never the owner's to see.
    assert case.filer_postal_address and case.principal_phone
    for contact in (case.filer_postal_address, case.filer_phone,
                    case.principal_postal_address, case.principal_phone, "神宮前",
                    "六本木"):
        assert contact not in page, contact
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"] and 'name="robots"' in page
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    assert "We have not decided yet" in page


def test_the_decision_and_the_redress_routes_show_once_decided(client, case, owner,
                                                              operator):
    _decide(case, operator)
    page = client.get(_url(case, owner)).content.decode()
    for shown in ("Frames 12-13 match.", "Copyright Act art. 21.", "No automated means",
                  "counter-notice", "Article 21 of the Digital Services Act", "go to court",
                  "Appeal against the decision"):
        assert shown in page, shown


def test_the_page_costs_the_same_queries_for_few_or_many_works(client, creator, operator):
    def page_queries(works):
        case = file_case(filer=creator, works=[WorkData(title=f"Work {i}", kind="anime")
                                               for i in range(works)])
        location = case.locations.get()
        owner = owner_name(location=location, ai_product=case.ai_product,
                           account_id=f"u-{works}", email=OWNER_EMAIL, actor=operator)
        _decide(case, operator)
        url = _url(case, owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert page_queries(5) == page_queries(50)


def test_the_owner_switches_language_and_it_is_kept(client, case, owner):
    response = client.post(reverse("portal:owner_language",
                                   args=[owner_link_token(owner=owner, case=case)]),
                           {"language": "ja"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "ja"
    page = client.get(response["Location"]).content.decode()
    assert "お客様のAI生成物に関する申立て" in page and '<html lang="ja">' in page


def test_an_altered_link_is_not_found(client, case, owner):
    token = owner_link_token(owner=owner, case=case)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("portal:owner_case", args=[altered])).status_code == 404
    other = OutputOwner.objects.create(ai_product="x", account_id="u-9")
    assert client.get(_url(case, other)).status_code == 404  # not their case


def test_an_expired_link_offers_a_fresh_one_with_the_same_answer(client, case, owner,
                                                                 settings):
    url = _url(case, owner)
    settings.KOTAE_OWNER_LINK_DAYS = -1
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert case.title not in response.content.decode()

    renew = reverse("portal:owner_link_renew", args=[owner_link_token(owner=owner,
                                                                       case=case)])
    wrong = client.post(renew, {"email": "guess@example.com"})
    right = client.post(renew, {"email": OWNER_EMAIL.upper()})
    assert wrong.status_code == right.status_code == 200
    def main(response):
        return response.content.decode().split("<main", 1)[1].split("</main>")[0]

    assert main(wrong) == main(right) and "Check your e-mail" in main(right)
    [row] = Notification.objects.filter(kind="owner_link")
    assert row.recipient == OWNER_EMAIL


def test_fresh_links_are_rate_limited(client, case, owner, settings):
    settings.KOTAE_PASSWORD_RESET_PER_IP = 2
    renew = reverse("portal:owner_link_renew", args=[owner_link_token(owner=owner,
                                                                       case=case)])
    for _ in range(2):
        assert client.post(renew, {"email": OWNER_EMAIL}).status_code == 200
    refused = client.post(renew, {"email": OWNER_EMAIL})
    assert refused.status_code == 429 and OWNER_EMAIL in refused.content.decode()
    assert Notification.objects.filter(kind="owner_link").count() == 2


def test_the_owner_appeals_from_the_page(client, case, owner, operator):
    _decide(case, operator)
    token = owner_link_token(owner=owner, case=case)
    url = reverse("portal:owner_appeal", args=[token])

    missing = client.post(url, {"appeal_grounds": "The pose is generic."})
    assert missing.status_code == 400
    assert "The pose is generic." in missing.content.decode()  # what was typed is kept
    assert not Case.objects.filter(kind="appeal").exists()

    response = client.post(url, {"appeal_grounds": "The pose is generic.",
                                 "good_faith_statement": "on", "accuracy_statement": "on",
                                 "signature": "Aki Fan"})
    assert response.status_code == 302
    appeal = Case.objects.get(kind="appeal")
    assert appeal.output_owner_id == owner.pk and appeal.appeal_of_id == case.pk
    page = client.get(response["Location"]).content.decode()
    assert appeal.reference in page


def test_after_a_reversal_on_appeal_the_page_shows_the_decision_that_stands(
        client, case, owner, creator, operator, supervisor):
    from complaints.services.cases import CaseDraft, case_submit

    _decide(case, operator)
    appeal = case_submit(filer=creator, draft=CaseDraft(
        kind="appeal", title="Appeal", appeal_of_id=case.pk,
        appeal_grounds="Please look again.", good_faith_statement=True,
        accuracy_statement=True, signature="Hanako Yamada"))
    decision_record(case=appeal, decided_by=supervisor, outcome="reversed",
                    actions=["no_action"], facts="The output is a licensed fan work.",
                    ground="Licence L-7 covers it.", automated_means=False)
    page = client.get(_url(case, owner)).content.decode()
    assert "The output is a licensed fan work." in page
    assert "Frames 12-13 match." not in page
    # Nothing of theirs is restricted any more: no redress routes, no appeal form.
    assert "Appeal against the decision" not in page
