"""The policies where people meet them: a suspended filer refused in the portal and the
API with the reason (never a 500) while an appeal goes through; the desk's repeat
infringers list, banner and account-action form; supervisors set the thresholds and
lift suspensions, operators cannot."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import (
    Case,
    FilerSuspension,
    OutputOwner,
    OwnerAccountAction,
    PolicySettings,
)
from complaints.selectors.policies import policy_settings_current
from complaints.services.decisions import decision_record
from tests.complaints.api.test_api import client_for, complaint
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.complaints.services.test_policies import owned_complaint, remove
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def suspended(filer):
    return FilerSuspension.objects.create(user=filer, ends_at=timezone.now() + timedelta(days=90),
                                          reasons="Three notices rejected as manifestly "
                                                  "unfounded.")


def test_the_portal_refuses_a_suspended_filers_notice_and_keeps_what_was_typed(client,
                                                                                 creator):
    suspended(creator)
    client.force_login(creator)
    data = portal_data.output_complaint(title="A title I typed")
    response = send(client, reverse("complaints:case_new", args=["output-complaint"]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Processing of your notices is suspended until" in page
    assert "appeal one of the decisions" in page
    assert "A title I typed" in page
    assert not Case.objects.filter(filer=creator).exists()


def test_a_suspended_filer_can_still_appeal_in_the_portal(client, creator, operator):
    case = file_case(filer=creator)
    decision_record(case=case, decided_by=operator, outcome="not_upheld",
                    actions=["no_action"], facts="Not similar.", ground="Policy 3.1.",
                    automated_means=False)
    suspended(creator)
    client.force_login(creator)
    response = send(client, reverse("complaints:case_appeal", args=[case.reference]),
                    portal_data.appeal())
    assert response.status_code == 302
    assert Case.objects.filter(kind="appeal", appeal_of=case).exists()


def test_the_api_refuses_a_suspended_filers_notice_with_the_reason(creator):
    suspended(creator)
    api = client_for(creator)
    response = api.post(reverse("api:case_list"), complaint(), format="json")
    # Well formed, refused by the filer's present state: the API's 409, with the reason.
    assert response.status_code == 409
    assert "suspended until" in str(response.json())
    assert "filer_suspended" in str(response.json())
    bulk = api.post(reverse("api:case_bulk"), {"cases": [complaint()]}, format="json")
    assert bulk.status_code == 200 and bulk.json()["failed"] == 1
    assert "suspended until" in str(bulk.json()["results"][0]["errors"])
    assert not Case.objects.filter(filer=creator).exists()


def owners(n):
    return [OutputOwner.objects.create(ai_product="DreamReel", handle=f"@user{i}")
            for i in range(n)]


@pytest.mark.parametrize("count", [5, 50])
def test_the_repeat_infringers_list_costs_the_same_for_5_and_50(client, operator, count,
                                                                django_assert_max_num_queries):
    owners(count)
    client.force_login(operator)
    url = reverse("admin:complaints_ownerstanding_changelist")
    with django_assert_max_num_queries(13):  # the same for 5 and 50: two subqueries
        response = client.get(url)
    assert response.status_code == 200
    assert "@user0" in response.content.decode()


def test_the_desk_sees_the_flag_the_banner_and_records_the_action(client, operator):
    flagged, fine = OutputOwner.objects.create(ai_product="DreamReel", handle="@copycat"), \
        OutputOwner.objects.create(ai_product="DreamReel", handle="@fine")
    cases = [owned_complaint(flagged, n) for n in range(3)]
    for case in cases:
        remove(case, operator)
    remove(owned_complaint(fine, 9), operator)
    client.force_login(operator)
    listing = client.get(reverse("admin:complaints_ownerstanding_changelist") + "?flagged=yes")
    page = listing.content.decode()
    assert "@copycat" in page and "@fine" not in page and "Warned" in page
    banner = client.get(reverse("admin:complaints_case_change", args=[cases[0].pk]))
    assert "Repeat infringer: @copycat has 3 upheld removals" in banner.content.decode()
    add = reverse("admin:complaints_owneraccountaction_add")
    assert client.get(f"{add}?owner={flagged.pk}").status_code == 200
    now = timezone.localtime()
    response = send(client, add, {"owner": flagged.pk, "action": "warned",
                          "taken_at_0": now.strftime("%Y-%m-%d"),
                          "taken_at_1": now.strftime("%H:%M:%S"),
                          "note": "The product warned the account.",
                          "removals_counted": 3})
    assert response.status_code == 302
    action = OwnerAccountAction.objects.get()
    assert action.recorded_by == operator and action.action == "warned"
    listing = client.get(reverse("admin:complaints_ownerstanding_changelist") + "?flagged=yes")
    assert "Account suspended" in listing.content.decode()  # the next step recommended


def settings_form(**changes):
    policy = policy_settings_current()
    data = {name: getattr(policy, name) for name in (
        "owner_window_days", "owner_threshold", "filer_window_days", "filer_warning_after",
        "filer_suspension_after", "suspension_days")}
    return {**data, **changes}


def test_supervisors_change_the_thresholds_and_operators_cannot(client, operator, supervisor):
    url = reverse("admin:complaints_policysettings_change", args=[policy_settings_current().pk])
    client.force_login(operator)
    assert send(client, url, settings_form(owner_threshold=5)).status_code == 403
    assert PolicySettings.objects.get().owner_threshold == 3
    client.force_login(supervisor)
    assert send(client, url, settings_form(owner_threshold=5)).status_code == 302
    assert PolicySettings.objects.get().owner_threshold == 5


def test_a_supervisor_lifts_a_suspension_in_the_admin_with_a_reason(client, creator,
                                                                    supervisor):
    suspension = suspended(creator)
    url = reverse("admin:complaints_filersuspension_change", args=[suspension.pk])
    client.force_login(supervisor)
    refused = client.post(url, {"lift_reason": ""})
    assert refused.status_code == 200
    assert "Give the reason for lifting the suspension." in refused.content.decode()
    assert client.post(url, {"lift_reason": "The appeal showed the notices were founded."}
                       ).status_code == 302
    suspension.refresh_from_db()
    assert suspension.lifted_by == supervisor and suspension.lifted_at is not None
    assert file_case(filer=creator).reference
