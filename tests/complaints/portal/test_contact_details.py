"""Whose contact details a case page shows: "Your contact details" only to the filer; a
colleague in their organisation reads the filer's; the rights holder's only on a notice
filed by an agent (issue 19 review)."""
import pytest
from django.urls import reverse

from accounts.services import organisation_create, organisation_member_add
from complaints.models import Case
from tests.factories import UserFactory, file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db


def _case(filer, **fields):
    studio = organisation_create(name="Studio Hoshizora", admin=filer)
    case = file_case(filer=filer, organisation_id=studio.pk)
    Case.objects.filter(pk=case.pk).update(filer_postal_address="1-2-3 Shibuya, Tokyo",
                                           filer_phone="+81 3 1234 5678", **fields)
    colleague = UserFactory(email="colleague@example.com")
    organisation_member_add(organisation=studio, user=colleague)
    return case, colleague


def _page(client, user, case):
    client.force_login(user)
    return text_of(client.get(reverse("complaints:case_detail", args=[case.reference]))
                   .content.decode())


def test_only_the_filer_reads_your_contact_details(client, creator):
    case, colleague = _case(creator)
    assert "Your contact details" in _page(client, creator, case)
    page = _page(client, colleague, case)
    assert "Your contact details" not in page
    assert "Filer's contact details" in page and "1-2-3 Shibuya" in page
    colleague.language = "ja"
    colleague.save(update_fields=["language"])
    page = _page(client, colleague, case)
    assert "申立人の連絡先" in page and "ご連絡先" not in page


def test_the_rights_holders_details_only_on_a_notice_filed_by_an_agent(client, creator,
                                                                      operator):
    # A notice filed before principal details were dropped for a rights holder filing.
    case, _colleague = _case(creator, principal_postal_address="9 Elsewhere",
                             principal_phone="+81 6 0000 0000")
    assert case.filed_as != "agent"
    assert "Rights holder's contact details" not in _page(client, creator, case)
    desk = reverse("admin:complaints_case_change", args=[case.pk])
    client.force_login(operator)
    assert "Rights holder's contact details" not in text_of(client.get(desk).content.decode())
    Case.objects.filter(pk=case.pk).update(filed_as="agent", principal_name="Studio Hoshizora")
    assert "Rights holder's contact details" in _page(client, creator, case)
    client.force_login(operator)
    assert "Rights holder's contact details" in text_of(client.get(desk).content.decode())
