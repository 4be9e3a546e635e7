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


def test_the_users_list_reads_the_machines_time_zones_once(client, monkeypatch):
    """zoneinfo reads its 600 names from the disk at each call: asked twice a row, the
    users' list took 3 s a page with 2,000 users (issue 20)."""
    from accounts import time_zones

    calls = []
    real = time_zones.zoneinfo.available_timezones
    monkeypatch.setattr(time_zones.zoneinfo, "available_timezones",
                        lambda: calls.append(1) or real())
    for n in range(30):
        UserFactory(email=f"person{n}@example.com", time_zone=("Asia/Tokyo", "UTC")[n % 2])
    admin = UserFactory(email="root@kotae.example", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for _ in range(2):
        html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
        assert html.count(">Asia/Tokyo</td>") == 16  # and the admin
    assert len(calls) <= 1
