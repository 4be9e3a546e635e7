"""One rule for an exact output location, whatever the channel: the portal's form and the
API accept and refuse the same locations, with the same message."""
import pytest
from django.urls import reverse

from complaints.domain.locations import ERROR_LOCATION_FORMAT, ERROR_NOT_EXACT
from complaints.models import Case
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send

pytestmark = pytest.mark.django_db

ACCEPTED = {
    "https://dreamreel.example/v/abc123": "https://dreamreel.example/v/abc123",
    "https://d.tube/#!/v/studio/Qm123": "https://d.tube/#!/v/studio/Qm123",
    "https://files.example/renders/frame 12.png": "https://files.example/renders/frame 12.png",
    "https://dreamreel.example/?v=abc123": "https://dreamreel.example/?v=abc123",
    "http://dreamreel.example:8080/v/1": "http://dreamreel.example:8080/v/1",
    "gen_7f3a9c2e11": "gen_7f3a9c2e11",
    "https://files.example/My Renders/shot 3 final.mp4":
        "https://files.example/My Renders/shot 3 final.mp4",
    "https://social.example/#!/status/1234": "https://social.example/#!/status/1234",
    "social.example/#!/u/aki/v/9": "https://social.example/#!/u/aki/v/9",
}
REFUSED = {
    "javascript:alert(1)": ERROR_LOCATION_FORMAT,
    "data:text/html,<script>alert(1)</script>": ERROR_LOCATION_FORMAT,
    "file:///etc/passwd": ERROR_LOCATION_FORMAT,
    "ftp://dreamreel.example/v/1": ERROR_LOCATION_FORMAT,
    "gen 7f3a": ERROR_LOCATION_FORMAT,
    "abc": ERROR_LOCATION_FORMAT,
    "https://dreamreel.example/": ERROR_NOT_EXACT,
    "https://dreamreel.example": ERROR_NOT_EXACT,
    "dreamreel.example//": ERROR_NOT_EXACT,
    # A hashbang site's home page is still a whole site.
    "https://social.example/#!": ERROR_NOT_EXACT,
    "https://social.example/#!/": ERROR_NOT_EXACT,
    "https://social.example#!/": ERROR_NOT_EXACT,
}


def _portal(client, url):
    response = send(client, reverse("complaints:case_new", args=["output-complaint"]),
                    portal_data.output_complaint(locations=[url]))
    return response


def _api(client, url):
    body = {"kind": "output_complaint", "title": "Copied", "law": "eu_dsa",
            "ai_product": "DreamReel",
            "similarity": "Same.", "remedies": ["remove_output"],
            "good_faith_statement": True, "accuracy_statement": True, "signature": "Hanako",
            "works": [{"title": "Hoshizora Quest", "kind": "anime"}],
            "locations": [{"url": url}]}
    return client.post("/api/v1/cases/", body, content_type="application/json")


@pytest.mark.parametrize("url", sorted(ACCEPTED))
@pytest.mark.parametrize("channel", ["portal", "api"])
def test_an_exact_location_is_accepted_by_every_channel(client, creator, channel, url):
    client.force_login(creator)
    response = (_portal if channel == "portal" else _api)(client, url)
    assert response.status_code in (201, 302), response.content[:500]
    assert Case.objects.get().locations.get().url == ACCEPTED[url]


@pytest.mark.parametrize("url", sorted(REFUSED))
@pytest.mark.parametrize("channel", ["portal", "api"])
def test_anything_else_is_refused_with_the_same_words(client, creator, channel, url):
    client.force_login(creator)
    response = (_portal if channel == "portal" else _api)(client, url)
    assert not Case.objects.exists()
    if channel == "api":
        assert response.status_code == 400
        assert response.json()["fields"]["locations.0.url"] == [str(REFUSED[url])]
    else:
        assert response.status_code in (200, 400)
        assert str(REFUSED[url]).replace("“", "&ldquo;") in response.content.decode() or \
            str(REFUSED[url]) in response.content.decode()


def test_the_desk_links_only_web_addresses(client, creator, operator):
    """A location an older rule let in (javascript:) shows as text, never as a link."""
    from tests.factories import file_case

    case = file_case(filer=creator)
    case.locations.update(url="javascript:alert(1)")
    client.force_login(operator)
    html = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    assert "<code>javascript:alert(1)</code>" in html
    assert 'href="javascript:' not in html
    case.locations.update(url="https://dreamreel.example/v/1")
    html = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    assert 'href="https://dreamreel.example/v/1"' in html


def test_the_filing_service_itself_refuses_what_is_not_exact(creator):
    """Any future channel that calls case_submit gets the same rule and words."""
    from django.core.exceptions import ValidationError

    from complaints.services.cases import LocationData
    from tests.factories import file_case

    with pytest.raises(ValidationError) as refused:
        file_case(filer=creator, locations=[LocationData(url="https://dreamreel.example/v/1"),
                                            LocationData(url="javascript:alert(1)")])
    assert refused.value.message_dict == {"locations.1.url": [str(ERROR_LOCATION_FORMAT)]}
    assert not Case.objects.exists()
    case = file_case(filer=creator, locations=[LocationData(url="www.dreamreel.example/v/1")])
    assert case.locations.get().url == "https://www.dreamreel.example/v/1"


def test_a_location_too_long_once_https_is_added_is_refused():
    import pytest
    from django.core.exceptions import ValidationError

    from complaints.domain.locations import location_validate

    address = "dreamreel.example/v/" + "a" * 980  # 1,000 characters as typed
    assert len(address) == 1000
    with pytest.raises(ValidationError):
        location_validate(address)  # 1,008 with https://: over the column's 1,000
    assert len(location_validate("https://" + "dreamreel.example/v/" + "a" * 972)) == 1000
