"""Review of the owner's side: what a user or an attacker could send."""
import pytest
from django.urls import reverse

from complaints.models import Case, OutputOwner
from complaints.services.cases import CaseDraft, case_submit
from complaints.services.decisions import decision_record
from complaints.services.owners import owner_link_token
from complaints.services.retractions import retraction_record
from tests.complaints.portal.test_counter_notice_walk import A, form, link, removed
from tests.factories import LocationData, file_case

pytestmark = pytest.mark.django_db


def test_the_counter_notice_form_is_in_the_owners_language(client, creator, operator):
    """An owner whose language is Japanese (their own or the notice's) gets the form in
    Japanese whatever their browser says, and can switch it to English there."""
    complaint, owner = removed(creator, operator)
    owner.language = "ja"
    owner.save(update_fields=["language"])
    page = client.get(link(owner, complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja">' in page and "異議申立てを行う" in page
    token = owner_link_token(owner=owner, case=complaint)
    response = client.post(reverse("portal:owner_language", args=[token]),
                           {"language": "en", "back": "counter_notice"})
    # Back to the form, by the same link (a link made a second later signs differently).
    assert response.url == reverse("portal:owner_counter_notice", kwargs={"token": token})
    page = client.get(response.url).content.decode()
    assert '<html lang="en">' in page and "Send a counter-notice" in page


@pytest.mark.parametrize("token", ["%00", "a" * 5000, "x%00y", "..", "%E2%80%AE", "e30"])
def test_odd_tokens_are_404(client, token):
    for name in ("owner_case", "owner_counter_notice"):
        url = "/" + reverse(f"portal:{name}", kwargs={"token": "T"}).strip("/").replace(
            "T", token, 1) + "/"
        # The site turns away NUL bytes and over-long paths before any view (400).
        assert client.get(url).status_code in (400, 404, 410), url
    url = reverse("portal:owner_link_renew", kwargs={"token": "T"}).replace("T", token, 1)
    assert client.post(url, {"email": "a@example.com"}).status_code in (200, 400, 404)


def test_odd_values_on_the_forms(client, creator, operator):
    complaint, owner = removed(creator, operator)
    url = link(owner, complaint)
    for bad in ({"locations": ["abc"]}, {"full_name": "a\x00b"}, {"phone": "9" * 100000},
                {"email": "x" * 300}, {"locations": ["99999999999999999999999"]}):
        assert client.post(url, form(complaint, **bad)).status_code == 400, bad
    token = owner_link_token(owner=owner, case=complaint)
    assert client.post(reverse("portal:owner_language", args=[token]),
                       {"language": "fr"}).status_code == 302
    assert client.post(reverse("portal:owner_appeal", args=[token]),
                       {"appeal_grounds": "x\x00"}).status_code == 400
    assert client.post(reverse("portal:owner_link_renew", args=[token]),
                       {"email": "\x00"}).status_code == 400
    assert client.put(url).status_code == 405


def _appeal(client, owner, complaint):
    token = owner_link_token(owner=owner, case=complaint)
    return client.post(reverse("portal:owner_appeal", args=[token]), {
        "appeal_grounds": "My output is my own.", "good_faith_statement": "on",
        "accuracy_statement": "on", "signature": "Mika Tanaka"})


def test_no_appeal_from_an_owner_whose_output_the_decision_left_alone(client, creator,
                                                                      operator):
    complaint = file_case(filer=creator, locations=[LocationData(url=A)])
    owner = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-1",
                                       email="mika@example.com")
    complaint.locations.update(owner=owner)
    decision_record(case=complaint, decided_by=operator, outcome="rejected", actions=["no_action"],
                    facts="No match.", ground="Not similar.", automated_means=False,
                    rejection_reason="manifestly_unfounded")
    token = owner_link_token(owner=owner, case=complaint)
    assert "Appeal against the decision" not in client.get(
        reverse("portal:owner_case", args=[token])).content.decode()

    response = _appeal(client, owner, complaint)

    assert response.status_code == 400
    assert "nothing for you to appeal" in response.content.decode()
    assert not Case.objects.filter(kind="appeal", output_owner=owner).exists()


def test_no_appeal_once_the_notice_was_retracted_for_the_owners_output(client, creator,
                                                                       operator):
    complaint, owner = removed(creator, operator)
    retraction_record(case=complaint, actor=creator, whole=False, urls=[A],
                      statement="We licensed this output after all.")
    token = owner_link_token(owner=owner, case=complaint)
    assert "Appeal against the decision" not in client.get(
        reverse("portal:owner_case", args=[token])).content.decode()

    response = _appeal(client, owner, complaint)

    assert response.status_code == 400
    assert not Case.objects.filter(kind="appeal", output_owner=owner).exists()


def test_the_owner_of_a_removed_output_still_appeals(client, creator, operator):
    complaint, owner = removed(creator, operator)
    assert _appeal(client, owner, complaint).status_code == 302
    assert Case.objects.filter(kind="appeal", output_owner=owner).count() == 1


def test_each_owner_and_the_complainant_appeal_once_each(client, creator, operator):
    """One party's appeal does not take the others' away (DSA Art. 20): a second owner
    whose output the same decision removed, and the complainant, may still appeal."""
    complaint, owner = removed(creator, operator)
    other = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-2",
                                       email="other@example.com")
    complaint.locations.exclude(url=A).update(owner=other)

    assert _appeal(client, owner, complaint).status_code == 302
    assert _appeal(client, owner, complaint).status_code == 400  # once per party
    page = client.get(reverse("portal:owner_case", args=[
        owner_link_token(owner=other, case=complaint)])).content.decode()
    assert "already under appeal" not in page
    assert _appeal(client, other, complaint).status_code == 302
    case_submit(filer=creator, draft=CaseDraft(
        kind="appeal", title="Appeal", appeal_of_id=complaint.pk,
        appeal_grounds="Remove it from training too.", good_faith_statement=True,
        accuracy_statement=True, signature="Hanako Yamada"))

    assert Case.objects.filter(kind="appeal", appeal_of=complaint).count() == 3


def test_an_expired_counter_notice_link_offers_a_fresh_one(client, creator, operator,
                                                           monkeypatch):
    """The counter-notice link in the statement e-mail outlives no owner's 30 days; a
    DMCA counter-notice has no such limit, so the owner can have a fresh link sent."""
    import time

    from django.core import signing
    complaint, owner = removed(creator, operator)
    signed_at = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: signed_at - 40 * 24 * 3600)
    url = link(owner, complaint)
    token = owner_link_token(owner=owner, case=complaint)
    monkeypatch.undo()

    page = client.get(url)

    assert page.status_code == 410
    assert page["Referrer-Policy"] == "same-origin"
    renew = reverse("portal:owner_link_renew", args=[token])
    assert f'action="{renew}"' in page.content.decode()
    assert client.post(renew, {"email": "mika@example.com"}).status_code == 200


def test_the_counter_notice_pages_keep_their_link_private(client, creator, operator):
    complaint, owner = removed(creator, operator)
    for response in (client.get(link(owner, complaint)),
                     client.post(link(owner, complaint), form(complaint)),
                     client.get(link(owner, complaint))):
        assert response["Referrer-Policy"] == "same-origin"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]


def test_no_counter_notice_once_an_appeal_gave_the_output_back(client, creator, operator,
                                                               supervisor):
    complaint, owner = removed(creator, operator)
    assert _appeal(client, owner, complaint).status_code == 302
    appeal = Case.objects.get(kind="appeal", output_owner=owner)
    decision_record(case=appeal, decided_by=supervisor, outcome="reversed",
                    actions=["no_action"], facts="The pose is generic.",
                    ground="No protected expression is copied.", automated_means=False)

    page = client.get(link(owner, complaint))
    response = client.post(link(owner, complaint), form(complaint))

    assert page.status_code == 403 and "nothing to answer" in page.content.decode()
    assert response.status_code == 403
    assert not Case.objects.filter(kind="counter_notice").exists()
