"""A person picks a time zone by place, grouped by region in their language; the legacy
aliases are not offered, and a zone nobody touched is never changed by saving."""
import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_places_grouped_by_region_in_japanese(client):
    user = UserFactory(language="ja")
    client.force_login(user)
    html = client.get(reverse("accounts:preferences")).content.decode()
    assert '<optgroup label="アジア">' in html
    assert '<option value="Asia/Tokyo" selected>Tokyo</option>' in html
    assert '<option value="America/Argentina/Buenos_Aires">Argentina – Buenos Aires' in html
    assert "協定世界時（UTC）" in html
    for legacy in ("Etc/GMT+9", '"Eire"', '"Japan"', '"Factory"', "US/Eastern"):
        assert legacy not in html


def test_a_legacy_zone_stays_when_the_form_is_saved(client):
    user = UserFactory(language="en", time_zone="US/Eastern")
    client.force_login(user)
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert '<option value="US/Eastern" selected>' in page
    client.post(reverse("accounts:preferences"),
                {"display_name": "Hanako", "language": "en", "time_zone": "US/Eastern"})
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Hanako", "US/Eastern")
    response = client.post(reverse("accounts:preferences"),
                           {"display_name": "Hanako", "language": "en", "time_zone": "Eire"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "US/Eastern"


def test_the_desk_picks_a_users_zone_the_same_way(admin_client):
    user = UserFactory(time_zone="Asia/Tokyo")
    html = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert '<option value="Asia/Tokyo" selected>Tokyo</option>' in html
    assert '"Etc/GMT+9"' not in html
