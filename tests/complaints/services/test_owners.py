"""The owner's signed link: it opens only the case it names, for the owner it names, and
only while it is young enough."""
import time

import pytest
from django.core import signing

from complaints.models import OutputOwner
from complaints.services.owners import (
    OwnerLinkExpired,
    OwnerLinkInvalid,
    owner_link_resolve,
    owner_link_token,
)
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def _owned_case(handle="mika_draws"):
    case = file_case()
    owner = OutputOwner.objects.create(ai_product="DreamReel video", account_id=f"u-{handle}",
                                       handle=handle, email=f"{handle}@example.com")
    case.locations.update(owner=owner)
    return case, owner


def test_the_link_opens_the_case_it_names_for_its_owner():
    case, owner = _owned_case()
    access = owner_link_resolve(owner_link_token(owner=owner, case=case))
    assert (access.owner, access.case) == (owner, case)


def test_an_altered_link_opens_nothing():
    case, owner = _owned_case()
    token = owner_link_token(owner=owner, case=case)
    with pytest.raises(OwnerLinkInvalid):
        owner_link_resolve(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_a_link_for_another_owner_does_not_open_this_case():
    case, _ = _owned_case()
    _, stranger = _owned_case("someone_else")
    forged = signing.dumps({"o": stranger.pk, "c": case.pk}, salt="other-salt", compress=True)
    with pytest.raises(OwnerLinkInvalid):
        owner_link_resolve(forged)
    # A genuine link for the stranger and this case: the case does not name them.
    with pytest.raises(OwnerLinkInvalid):
        owner_link_resolve(owner_link_token(owner=stranger, case=case))


def test_an_old_link_has_expired(settings, monkeypatch):
    settings.KOTAE_OWNER_LINK_DAYS = 30
    case, owner = _owned_case()
    day = 24 * 3600
    signed_at = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: signed_at)
    token = owner_link_token(owner=owner, case=case)
    monkeypatch.setattr(signing.time, "time", lambda: signed_at + 29 * day)
    assert owner_link_resolve(token).owner == owner
    monkeypatch.setattr(signing.time, "time", lambda: signed_at + 31 * day)
    with pytest.raises(OwnerLinkExpired):
        owner_link_resolve(token)


def test_an_owners_filing_uses_their_account_or_a_new_one_without_a_password():
    from django.core.exceptions import ValidationError

    from complaints.services.owners import owner_filer_user
    from tests.factories import UserFactory, staff_user

    _, owner = _owned_case()
    made = owner_filer_user(owner=owner, language="ja")
    assert (made.email, made.language, made.has_usable_password()) == (
        "mika_draws@example.com", "ja", False)
    assert owner_filer_user(owner=owner, language="en") == made
    existing = UserFactory(email="taro@example.com")
    owner.email = "Taro@Example.com"
    assert owner_filer_user(owner=owner, language="en") == existing
    staff_user(email="desk@example.com")
    owner.email = "desk@example.com"
    with pytest.raises(ValidationError):
        owner_filer_user(owner=owner, language="en")
    owner.email = ""
    with pytest.raises(ValidationError):
        owner_filer_user(owner=owner, language="en")


def test_the_ai_products_own_account_never_files_as_an_owner():
    from django.core.exceptions import ValidationError

    from accounts.models import Role
    from accounts.services import roles_ensure, user_role_set
    from complaints.services.owners import owner_filer_user
    from tests.factories import UserFactory

    roles_ensure()
    user_role_set(user=UserFactory(email="product@dreamreel.example"), role=Role.PRODUCT)
    _, owner = _owned_case()
    owner.email = "product@dreamreel.example"
    with pytest.raises(ValidationError):
        owner_filer_user(owner=owner, language="en")
