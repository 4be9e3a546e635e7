"""Review of the owner's side: what a user or an attacker could send."""
import pytest
from django.urls import reverse

from complaints.services.owners import owner_link_token
from tests.complaints.portal.test_counter_notice_walk import form, link, removed

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
    assert response.url == link(owner, complaint)
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
