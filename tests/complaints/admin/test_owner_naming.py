"""The desk names an output location's owner on the case page; the queue filters by law."""
import pytest
from django.urls import reverse

from complaints.domain.events import EventType
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def test_the_desk_names_the_owner_and_sees_the_law(client, creator, operator):
    case = file_case(filer=creator, law="eu_dsa")
    location = case.locations.get()
    client.force_login(operator)
    page = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert "European Union: Digital Services Act" in page.content.decode()
    assert "Name the output's owner" in page.content.decode()

    response = client.post(reverse("admin:complaints_case_owner", args=[case.pk]), {
        "location": location.pk, "account_id": "u-4412", "handle": "aki_fan",
        "email": "aki-fan@generations.example", "language": "ja"})

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.owner.handle == "aki_fan" and location.owner.language == "ja"
    assert case.events.filter(event_type=EventType.OWNER_NAMED).exists()
    page = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content
    assert b"aki-fan@generations.example" in page


def test_the_desk_is_told_when_nothing_names_the_owner(client, creator, operator):
    case = file_case(filer=creator)
    client.force_login(operator)
    response = client.post(reverse("admin:complaints_case_owner", args=[case.pk]),
                           {"location": case.locations.get().pk}, follow=True)
    assert "account id in the product, their handle or their e-mail" in \
        response.content.decode()
    assert case.locations.get().owner is None


def test_the_queue_filters_by_law(client, creator, operator):
    dmca = file_case(filer=creator, law="us_dmca", title="Under the DMCA")
    file_case(filer=creator, law="japan", title="Under Japanese law")
    client.force_login(operator)
    page = client.get(reverse("admin:complaints_case_changelist"), {"law__exact": "us_dmca"})
    text = page.content.decode()
    assert dmca.title in text and "Under Japanese law" not in text
