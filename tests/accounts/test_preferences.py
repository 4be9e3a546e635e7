"""POST /accounts/preferences/ stores what it says it saved (it once said "saved" and
changed nothing: the form wrote onto request.user before the service compared)."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_saving_preferences_stores_every_change(client):
    user = UserFactory(display_name="Hanako Yamada", language="en", time_zone="Asia/Tokyo")
    client.force_login(user)
    response = client.post(reverse("accounts:preferences"),
                           {"display_name": "Yamada Hanako", "language": "ja",
                            "time_zone": "Europe/Paris"}, follow=True)
    assert response.status_code == 200
    stored = get_user_model().objects.get(pk=user.pk)
    assert (stored.display_name, stored.language, stored.time_zone) == (
        "Yamada Hanako", "ja", "Europe/Paris")
    page = response.content.decode()
    assert "設定を保存しました。" in page  # in the language just chosen
    # The form shown again holds the stored values.
    assert 'value="Yamada Hanako"' in page
    assert '<option value="Europe/Paris" selected>' in page
