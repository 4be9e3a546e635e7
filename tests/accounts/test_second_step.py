"""A password alone gives a staff member no staff power: until the second factor, every
page leads to it and the API sees a visitor (a review found the register's export, any
case's evidence and a new API token open to a password-only staff session)."""
import pytest
from django.urls import reverse

from accounts.models import ApiToken
from tests.factories import file_case, png_upload
from tests.support.login import logs_in
from tests.support.two_factor import totp_code, totp_device_enrolled

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def half_logged_in(client, operator):
    """The operator has typed the password (an app is set up) and stopped there."""
    device = totp_device_enrolled(operator)
    assert logs_in(client, operator.email, "pw-for-tests-1")
    return device


def test_the_api_sees_a_visitor(client, half_logged_in):
    response = client.get(reverse("api:register"), {"format": "csv"})
    assert response.status_code in (401, 403)
    assert b"KT-" not in response.content


def test_no_api_token_is_made(client, operator, half_logged_in):
    response = client.post(reverse("accounts:api_tokens"), {"name": "mine"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not ApiToken.objects.filter(user=operator).exists()


def test_no_evidence_of_any_case(client, creator, half_logged_in):
    case = file_case(filer=creator, uploads=[png_upload()])
    url = reverse("complaints:evidence_download",
                  args=[case.reference, case.evidence.get().public_id])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_every_page_leads_to_the_second_step_and_back(client, half_logged_in):
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F"
    assert client.get(VERIFY).status_code == 200  # the step itself opens
    client.post(VERIFY, {"code": totp_code(half_logged_in), "next": "/cases/"})
    assert client.get("/cases/").status_code == 200
    assert client.get(reverse("api:register"), {"format": "csv"}).status_code == 200
