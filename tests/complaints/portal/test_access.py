"""Creators see only their own and their organisation's cases; others get 404."""
import pytest
from django.urls import reverse

from accounts.services import organisation_create, organisation_member_add
from tests.factories import UserFactory, file_case, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_of_a(creator):
    return file_case(filer=creator, uploads=[png_upload()])


def portal_urls(case):
    evidence = case.evidence.get()
    return [
        ("get", reverse("complaints:case_detail", args=[case.reference])),
        ("get", reverse("complaints:case_filed", args=[case.reference])),
        ("get", reverse("complaints:evidence_download", args=[case.reference, evidence.public_id])),
        ("post", reverse("complaints:case_reply", args=[case.reference])),
    ]


def test_creator_b_gets_404_for_everything_of_creator_a(client, case_of_a, other_creator):
    client.force_login(other_creator)
    for method, url in portal_urls(case_of_a):
        response = getattr(client, method)(url, {"body": "let me in"} if method == "post" else {})
        assert response.status_code == 404, url
    assert case_of_a.messages.count() == 0
    listing = client.get(reverse("complaints:case_list")).content.decode()
    assert case_of_a.reference not in listing


def test_anonymous_is_sent_to_login(client, case_of_a):
    for method, url in portal_urls(case_of_a):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_organisation_members_see_each_others_cases(client, creator):
    colleague = UserFactory()
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    organisation_member_add(organisation=studio, user=colleague)
    case = file_case(filer=creator, organisation_id=studio.pk)
    client.force_login(colleague)
    assert client.get(reverse("complaints:case_detail", args=[case.reference])).status_code == 200
    assert case.reference in client.get(reverse("complaints:case_list")).content.decode()


def test_evidence_is_a_download_for_the_filer_and_staff(client, case_of_a, creator, operator):
    evidence = case_of_a.evidence.get()
    url = reverse("complaints:evidence_download", args=[case_of_a.reference, evidence.public_id])
    client.force_login(creator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    preview = client.get(url + "?preview=1")
    assert preview["Content-Disposition"].startswith("inline")
    client.force_login(operator)
    assert client.get(url).status_code == 200


def test_creators_have_no_admin(client, creator, case_of_a):
    client.force_login(creator)
    response = client.get(reverse("admin:complaints_case_change", args=[case_of_a.pk]))
    assert response.status_code == 302  # to the admin login, which refuses non-staff
    response = client.post(reverse("admin:complaints_case_message", args=[case_of_a.pk]),
                           {"visibility": "public", "body": "I am the desk now"})
    assert response.status_code == 302
    assert case_of_a.messages.count() == 0
