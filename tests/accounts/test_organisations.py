import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts import urls as account_urls
from accounts.models import Membership, Organisation, OrganisationInvitation
from accounts.services import (
    membership_promote,
    organisation_create,
    organisation_invitation_accept,
    organisation_invite,
    organisation_leave,
    organisation_member_add,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def studio(creator):
    """Hanako's studio: she is its administrator."""
    return organisation_create(name="Studio Hoshizora", name_ja="スタジオ星空", admin=creator)


def invite(client, on_commit, organisation, email):
    with on_commit():
        return client.post(reverse("accounts:organisation_invite", args=[organisation.pk]),
                           {"email": email})


def link_in(message):
    return re.search(r"http://[^\s\"<]+", message.body).group(0)


def test_invite_sends_one_email_with_an_accept_link(client, creator, studio, on_commit):
    client.force_login(creator)
    response = invite(client, on_commit, studio, "Taro@Example.com")
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taro@example.com"]
    assert message.subject == "[Kotae] An invitation to join Studio Hoshizora"
    invitation = OrganisationInvitation.objects.get(organisation=studio)
    assert link_in(message) == f"{SITE}/accounts/invitations/{invitation.token}/"
    assert "Hanako Yamada has invited you to join “Studio Hoshizora”" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and f"/accounts/invitations/{invitation.token}/" in html

    # The administrator sees it waiting on the organisation page.
    page = client.get(reverse("accounts:organisation_detail", args=[studio.pk]))
    assert "taro@example.com" in page.content.decode()

    # Inviting the same address again the same day sends nothing more.
    invite(client, on_commit, studio, "taro@example.com")
    assert len(mail.outbox) == 1
    assert OrganisationInvitation.objects.filter(organisation=studio).count() == 1

    # A day later the same link goes out again.
    OrganisationInvitation.objects.update(sent_at=invitation.sent_at - timedelta(days=1))
    invite(client, on_commit, studio, "taro@example.com")
    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[1]) == link_in(message)


def test_tokens_are_random_and_unique(creator, studio):
    tokens = {organisation_invite(organisation=studio, invited_by=creator,
                                  email=f"person{i}@example.com").token for i in range(5)}
    assert len(tokens) == 5 and all(len(token) >= 40 for token in tokens)


def test_accept_makes_a_member_who_then_sees_the_organisation(
        client, creator, other_creator, studio, on_commit):
    client.force_login(creator)
    invite(client, on_commit, studio, "TARO@example.com")
    path = link_in(mail.outbox[0]).replace(SITE, "")

    client.force_login(other_creator)
    detail = reverse("accounts:organisation_detail", args=[studio.pk])
    assert client.get(detail).status_code == 404
    page = client.get(path)
    assert page.status_code == 200
    assert "Join Studio Hoshizora" in page.content.decode()
    assert not Membership.objects.filter(user=other_creator).exists()  # GET changes nothing

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == detail
    membership = Membership.objects.get(organisation=studio, user=other_creator)
    assert membership.role == Membership.Role.MEMBER
    assert OrganisationInvitation.objects.get().accepted_at is not None

    html = client.get(detail).content.decode()
    assert "Studio Hoshizora" in html and "スタジオ星空" in html
    assert "hanako@example.com" in html and "taro@example.com" in html
    assert "Invite by e-mail" not in html  # members do not invite
    assert "Pending invitations" not in html
    html = client.get(reverse("accounts:organisation_list")).content.decode()
    assert detail in html

    # A used link does not work twice.
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_the_link_tells_another_account_which_address_to_use(
        client, creator, studio, other_creator):
    invitation = organisation_invite(organisation=studio, invited_by=creator,
                                     email="aki@studio.example")
    path = reverse("accounts:invitation_accept", args=[invitation.token])
    client.force_login(other_creator)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        assert "aki@studio.example" in response.content.decode()
    assert not Membership.objects.filter(user=other_creator).exists()
    with pytest.raises(ValidationError):
        organisation_invitation_accept(invitation=invitation, user=other_creator)

    # "Log out and log in again" comes back to the invitation after the login.
    response = client.post(reverse("accounts:logout"),
                           {"next": f"{reverse('accounts:login')}?next={path}"})
    assert response["Location"] == f"{reverse('accounts:login')}?next={path}"


def test_the_accept_link_asks_to_log_in(client, creator, studio):
    invitation = organisation_invite(organisation=studio, invited_by=creator,
                                     email="aki@studio.example")
    response = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _pk_or_token_patterns():
    """The accounts URLs whose only arguments are an organisation id or a token."""
    found = []
    for pattern in account_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = set(pattern.pattern.converters)
        if names and names <= {"pk", "token"} and not pattern.name.startswith("api_token"):
            found.append(pattern)
    return found


def test_a_non_member_gets_404_from_every_organisation_url(
        client, creator, other_creator, studio):
    used = organisation_invite(organisation=studio, invited_by=creator,
                               email="aki@studio.example")
    organisation_invitation_accept(invitation=used,
                                   user=UserFactory(email="aki@studio.example"))
    patterns = _pk_or_token_patterns()
    assert len(patterns) >= 5  # the walk must not pass by finding nothing

    client.force_login(other_creator)
    missing_pk = Organisation.objects.order_by("-pk").first().pk + 1
    for pattern in patterns:
        args = ({"pk": studio.pk}, {"pk": missing_pk}) if "pk" in pattern.pattern.converters \
            else ({"token": used.token}, {"token": "no-such-token"})
        for kwargs in args:
            url = reverse(f"accounts:{pattern.name}", kwargs=kwargs)
            for method in (client.get, client.post):
                response = method(url, {"email": "x@example.com", "user": other_creator.pk})
                assert response.status_code == 404, (method.__name__, url)
    assert not Membership.objects.filter(user=other_creator).exists()
    assert OrganisationInvitation.objects.count() == 1


def test_a_member_who_is_not_an_admin_cannot_invite(
        client, creator, other_creator, studio, on_commit):
    organisation_member_add(organisation=studio, user=other_creator)
    client.force_login(other_creator)
    response = invite(client, on_commit, studio, "aki@studio.example")
    assert response.status_code == 302
    assert "Only an administrator" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 0
    assert not OrganisationInvitation.objects.exists()
    with pytest.raises(ValidationError) as error:
        organisation_invite(organisation=studio, invited_by=other_creator,
                            email="aki@studio.example")
    assert error.value.code == "not_admin"


def test_a_member_cannot_be_invited_again(client, creator, other_creator, studio, on_commit):
    organisation_member_add(organisation=studio, user=other_creator)
    client.force_login(creator)
    response = invite(client, on_commit, studio, "Taro@Example.com")
    assert response.status_code == 400
    assert "is already a member" in response.content.decode()
    assert len(mail.outbox) == 0


def test_the_last_admin_cannot_leave_while_others_remain(client, creator, other_creator, studio):
    organisation_member_add(organisation=studio, user=other_creator)
    client.force_login(creator)
    url = reverse("accounts:organisation_leave", args=[studio.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "Make someone else an administrator first" in response.content.decode()
    assert Membership.objects.filter(organisation=studio, user=creator).exists()
    with pytest.raises(ValidationError) as error:
        organisation_leave(organisation=studio, user=creator)
    assert error.value.code == "last_admin"

    # Once another member is an administrator, the first can go.
    client.post(reverse("accounts:organisation_member_promote", args=[studio.pk]),
                {"user": other_creator.pk})
    assert Membership.objects.get(user=other_creator).role == Membership.Role.ADMIN
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(organisation=studio, user=creator).exists()


def test_leave_asks_first_then_removes_the_membership(client, creator, other_creator, studio):
    organisation_member_add(organisation=studio, user=other_creator)
    client.force_login(other_creator)
    url = reverse("accounts:organisation_leave", args=[studio.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, leave the organisation" in page.content.decode()
    assert Membership.objects.filter(user=other_creator).exists()  # asking is not leaving

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_list")
    assert not Membership.objects.filter(user=other_creator).exists()
    assert client.get(reverse("accounts:organisation_detail", args=[studio.pk])).status_code \
        == 404
    assert Membership.objects.filter(user=creator, role=Membership.Role.ADMIN).exists()


def test_the_only_member_may_leave_and_pending_invitations_lapse(creator, studio):
    organisation_invite(organisation=studio, invited_by=creator, email="aki@studio.example")
    organisation_leave(organisation=studio, user=creator)
    assert not studio.memberships.exists()
    assert not studio.invitations.exists()


def test_only_an_admin_promotes(creator, other_creator, studio):
    organisation_member_add(organisation=studio, user=other_creator)
    with pytest.raises(ValidationError):
        membership_promote(organisation=studio, promoted_by=other_creator, user_id=creator.pk)
    with pytest.raises(ValidationError):
        membership_promote(organisation=studio, promoted_by=creator,
                           user_id=UserFactory().pk)  # not a member


def test_a_creator_starts_an_organisation(client, creator):
    client.force_login(creator)
    assert 'href="/accounts/organisations/"' in client.get(
        reverse("accounts:organisation_list")).content.decode()  # the nav link
    response = client.post(reverse("accounts:organisation_new"),
                           {"name": "Studio Kumo", "name_ja": "スタジオ雲"})
    organisation = Organisation.objects.get(name="Studio Kumo")
    assert response["Location"] == reverse("accounts:organisation_detail",
                                           args=[organisation.pk])
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN
    assert client.post(reverse("accounts:organisation_new"), {"name": ""}).status_code == 400


def _organisation_with_members(n: int) -> tuple[Organisation, object]:
    admin = UserFactory()
    organisation = organisation_create(name=f"Studio of {n}", admin=admin)
    for _i in range(n - 1):
        organisation_member_add(organisation=organisation, user=UserFactory())
    for i in range(3):
        organisation_invite(organisation=organisation, invited_by=admin,
                            email=f"invitee{i}-{n}@example.com")
    return organisation, admin


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_take_as_many_queries_for_5_members_as_for_50(client):
    small, small_admin = _organisation_with_members(5)
    large, large_admin = _organisation_with_members(50)
    counts = {}
    for organisation, admin in ((small, small_admin), (large, large_admin)):
        client.force_login(admin)
        detail = reverse("accounts:organisation_detail", args=[organisation.pk])
        counts[organisation.memberships.count()] = (
            _queries(client, reverse("accounts:organisation_list")),
            _queries(client, detail),
        )
        html = client.get(detail).content.decode()
        assert html.count("<time datetime=") == organisation.memberships.count() + 3
    assert counts[5] == counts[50]


def test_the_list_takes_as_many_queries_for_2_organisations_as_for_6(client, creator):
    counts = []
    for n in (2, 6):
        while creator.memberships.count() < n:
            organisation, _admin = _organisation_with_members(creator.memberships.count() + 2)
            organisation_member_add(organisation=organisation, user=creator)
        client.force_login(creator)
        counts.append(_queries(client, reverse("accounts:organisation_list")))
        html = client.get(reverse("accounts:organisation_list")).content.decode()
        assert len(re.findall(r'href="/accounts/organisations/\d+/"', html)) == n
    assert counts[0] == counts[1]


def test_an_invitation_expires_after_a_week_and_a_new_one_has_a_new_link(
        client, creator, other_creator, studio, on_commit):
    client.force_login(creator)
    invite(client, on_commit, studio, "taro@example.com")
    old_path = link_in(mail.outbox[0]).replace(SITE, "")
    invitation = OrganisationInvitation.objects.get()
    OrganisationInvitation.objects.update(sent_at=invitation.sent_at - timedelta(days=7))

    client.force_login(other_creator)
    assert client.get(old_path).status_code == 404
    assert client.post(old_path).status_code == 404
    with pytest.raises(ValidationError, match="expired"):
        organisation_invitation_accept(invitation=invitation, user=other_creator)
    assert not Membership.objects.filter(user=other_creator).exists()

    # Invited again, they get a link of their own; the old one stays dead.
    client.force_login(creator)
    invite(client, on_commit, studio, "taro@example.com")
    new_path = link_in(mail.outbox[1]).replace(SITE, "")
    assert new_path != old_path
    client.force_login(other_creator)
    assert client.get(old_path).status_code == 404
    assert client.post(new_path).status_code == 302
    assert Membership.objects.filter(organisation=studio, user=other_creator).exists()


def test_an_invitation_a_day_short_of_a_week_still_works(
        client, creator, other_creator, studio, on_commit):
    client.force_login(creator)
    invite(client, on_commit, studio, "taro@example.com")
    path = link_in(mail.outbox[0]).replace(SITE, "")
    OrganisationInvitation.objects.update(sent_at=timezone.now() - timedelta(days=6))
    client.force_login(other_creator)
    assert client.post(path).status_code == 302
    assert client.get(path).status_code == 404  # and only once
