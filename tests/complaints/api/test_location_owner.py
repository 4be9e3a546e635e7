"""PUT /api/v1/cases/<reference>/locations/<id>/owner/: the AI product's account names an
output's owner; nobody else may. And the law a notice is made under, through the API."""
import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_create, roles_ensure, user_role_set
from complaints.models import Case, OutputOwner
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db

BODY = {"account_id": "u-4412", "handle": "aki_fan", "email": "aki-fan@generations.example",
        "language": "ja"}


def client_for(user) -> APIClient:
    _row, token = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def product():
    roles_ensure()
    return user_role_set(user=UserFactory(email="product@dreamreel.example"),
                         role=Role.PRODUCT)


def _url(case, location=None):
    location = location or case.locations.get()
    return f"/api/v1/cases/{case.reference}/locations/{location.pk}/owner/"


def test_the_product_names_the_owner(creator, product):
    case = file_case(filer=creator)
    client = client_for(product)

    response = client.put(_url(case), BODY, format="json")

    assert response.status_code == 200, response.json()
    owner = case.locations.get().owner
    assert response.json()["owner_id"] == owner.pk
    assert (owner.ai_product, owner.account_id, owner.handle, owner.language) == (
        case.ai_product, "u-4412", "aki_fan", "ja")
    again = client.put(_url(case), {**BODY, "handle": "aki"}, format="json")
    assert again.status_code == 200 and OutputOwner.objects.count() == 1


def test_the_product_is_told_what_is_wrong(creator, product):
    case = file_case(filer=creator)
    response = client_for(product).put(_url(case), {"email": "not an address"},
                                       format="json")
    assert response.status_code == 400
    assert "email" in response.json()["fields"]
    nothing = client_for(product).put(_url(case), {}, format="json")
    assert nothing.status_code == 400 and "account_id" in nothing.json()["fields"]
    missing = client_for(product).put(
        f"/api/v1/cases/{case.reference}/locations/999999/owner/", BODY, format="json")
    assert missing.status_code == 404
    assert case.locations.get().owner is None


@pytest.mark.parametrize("who", ["filer", "operator", "another creator"])
def test_nobody_but_the_product_may_name_an_owner(creator, other_creator, operator, who):
    case = file_case(filer=creator)
    user = {"filer": creator, "operator": operator, "another creator": other_creator}[who]
    response = client_for(user).put(_url(case), BODY, format="json")
    assert response.status_code == 403
    assert case.locations.get().owner is None and not OutputOwner.objects.exists()


COMPLAINT = {
    "kind": "output_complaint", "title": "Video copies Hoshino Aki",
    "ai_product": "DreamReel video", "similarity": "Same face.",
    "remedies": ["remove_output"], "works": [{"title": "Hoshizora Quest", "kind": "anime"}],
    "locations": [{"url": "https://dreamreel.example/v/abc123"}],
    "good_faith_statement": True, "accuracy_statement": True, "signature": "Hanako Yamada",
}


def test_a_complaint_names_its_law_and_the_schema_says_which(client, creator):
    api = client_for(creator)
    refused = api.post("/api/v1/cases/", COMPLAINT, format="json")
    assert refused.status_code == 400 and "law" in refused.json()["fields"]

    filed = api.post("/api/v1/cases/", {**COMPLAINT, "law": "eu_dsa"}, format="json")
    assert filed.status_code == 201 and filed.json()["law"] == "eu_dsa"
    assert Case.objects.get().law == "eu_dsa"

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    complaint = schema.json()["components"]["schemas"]["OutputComplaintInRequest"]
    assert "law" in complaint["required"]
    assert set(_enum(schema.json(), complaint["properties"]["law"])) == {
        "us_dmca", "eu_dsa", "japan", "other"}


def _enum(schema, prop):
    if "enum" in prop:
        return prop["enum"]
    for ref in [prop.get("$ref")] + [p.get("$ref") for p in prop.get("allOf", [])]:
        if ref:
            return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"]
    raise AssertionError(prop)
