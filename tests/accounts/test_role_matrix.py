"""Who may do what in the admin: every registered page and action, as operator and as
supervisor, against the role matrix written in the README ("Roles"), and the climbs that
must not happen (a supervisor making anyone staff or superuser, or changing a password)."""
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from complaints.models import (
    BusinessCalendar,
    CannedResponse,
    CaseEvent,
    DeadlinePolicy,
    DsaStatementSubmission,
    EnforcementOrder,
    FilerSuspension,
    Notification,
    OwnerStanding,
    RegisterEntry,
    RetractionUndo,
)
from complaints.selectors.policies import policy_settings_current
from complaints.services.policies import owner_account_action_record
from complaints.services.retractions import retraction_record
from tests.complaints.portal.test_retract import B, decide, two_locations
from tests.complaints.services.test_register import objection
from tests.factories import OrganisationFactory, UserFactory, staff_user
from tests.support.login import logs_in

pytestmark = pytest.mark.django_db

CASE_ACTIONS = {"assign_to_me", "assign_to_colleague", "set_priority", "link_cases",
                "merge_duplicates"}
REGISTER_ACTIONS = {"confirm_entries", "apply_entries", "not_possible_entries"}
EDIT_ALL = {"view", "add", "change", "delete"}

# The README's table as data: model -> role -> (pages, actions). "change" means the change
# page edits (Save, or a register entry's steps); "view" alone means it is read-only.
# django-otp's device admins are not registered (the "two-factor devices" row); the user
# list's "reset two-factor" action is for superusers only, so neither role has it here.
MATRIX = {
    "accounts.user": {"operator": ({"view"}, set()),
                      "supervisor": ({"view", "change"}, set())},
    "accounts.organisation": {"operator": ({"view"}, set()),
                              "supervisor": ({"view", "add", "change"}, set())},
    "auth.group": {"operator": (set(), set()), "supervisor": (set(), set())},
    "complaints.businesscalendar": {"operator": ({"view"}, set()),
                                    "supervisor": (EDIT_ALL, {"delete_selected"})},
    "complaints.deadlinepolicy": {"operator": ({"view"}, set()),
                                  "supervisor": (EDIT_ALL, {"delete_selected"})},
    "complaints.cannedresponse": {"operator": (set(), set()), "supervisor": (set(), set())},
    "complaints.case": {role: ({"view", "change"}, CASE_ACTIONS)
                        for role in ("operator", "supervisor")},
    "complaints.caseevent": {role: ({"view"}, set()) for role in ("operator", "supervisor")},
    "complaints.notification": {role: ({"view"}, {"send_again"})
                                for role in ("operator", "supervisor")},
    "complaints.registerentry": {role: ({"view", "add", "change"}, REGISTER_ACTIONS)
                                 for role in ("operator", "supervisor")},
    "complaints.retractionundo": {role: ({"view"}, {"mark_undone"})
                                  for role in ("operator", "supervisor")},
    "complaints.enforcementorder": {role: ({"view"}, set())
                                    for role in ("operator", "supervisor")},
    "complaints.dsastatementsubmission": {role: ({"view"}, set())
                                          for role in ("operator", "supervisor")},
    "axes.accessattempt": {role: (set(), set()) for role in ("operator", "supervisor")},
    # The repeat-infringer and misuse policies: supervisors set the thresholds and lift
    # suspensions; operators read them and record what the product did to an account.
    "complaints.policysettings": {"operator": ({"view"}, set()),
                                  "supervisor": ({"view", "change"}, set())},
    "complaints.ownerstanding": {role: ({"view"}, set()) for role in ("operator", "supervisor")},
    "complaints.owneraccountaction": {role: ({"view", "add"}, set())
                                      for role in ("operator", "supervisor")},
    "complaints.filersuspension": {"operator": ({"view"}, set()),
                                   "supervisor": ({"view", "change"}, set())},
}


def one_of_each() -> dict:
    """A row of every model the admin shows, made as users make them."""
    filer = UserFactory()
    case = two_locations(filer)
    decide(case, staff_user())
    retraction_record(case=case, actor=filer, whole=False, urls=[B],
                      statement="We licensed it.")
    objection(filer=filer)
    calendar = BusinessCalendar.objects.first() or BusinessCalendar.objects.create(
        name="Japan")
    return {
        "accounts.user": filer,
        "accounts.organisation": OrganisationFactory(),
        "auth.group": Group.objects.get(name="operator"),
        "complaints.businesscalendar": calendar,
        "complaints.deadlinepolicy": DeadlinePolicy.objects.first()
        or DeadlinePolicy.objects.create(clock="decision", amount=7, calendar=calendar),
        "complaints.cannedresponse": CannedResponse.objects.create(
            name="Thanks", language="en", body="Thank you."),
        "complaints.case": case,
        "complaints.caseevent": CaseEvent.objects.filter(case=case).first(),
        "complaints.notification": Notification.objects.filter(case=case).first(),
        "complaints.registerentry": RegisterEntry.objects.first(),
        "complaints.retractionundo": RetractionUndo.objects.first(),
        "complaints.enforcementorder": EnforcementOrder.objects.first(),
        "complaints.dsastatementsubmission": DsaStatementSubmission.objects.first(),
        "complaints.policysettings": policy_settings_current(),
        "complaints.ownerstanding": OwnerStanding.objects.create(ai_product="DreamReel",
                                                                 handle="@reel"),
        "complaints.owneraccountaction": owner_account_action_record(
            owner=OwnerStanding.objects.get(handle="@reel"), action="warned",
            recorded_by=staff_user()),
        "complaints.filersuspension": FilerSuspension.objects.create(
            user=filer, ends_at=timezone.now() + timedelta(days=90), reasons="Three notices."),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="hanako@example.com", ip_address="203.0.113.7", user_agent="curl",
            http_accept="*/*", path_info="/accounts/login/", failures_since_start=5,
            get_data="", post_data=""),
    }


def url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def pages_seen(client, label: str, obj) -> set[str]:
    """What the role meets on the model's pages: each page opens (200) or is refused (403)."""
    seen = set()
    listing = client.get(url(label, "changelist"))
    assert listing.status_code in (200, 403), (label, listing.status_code)
    change = client.get(url(label, "change", obj.pk))
    assert change.status_code in (200, 403), (label, change.status_code)
    if listing.status_code == 200:
        assert change.status_code == 200, label
        seen.add("view")
        html = change.content.decode()
        # Edits on its page: Save, or (a register entry) the forms of its next steps.
        if 'name="_save"' in html or "/step/" in html:
            seen.add("change")
    else:
        assert change.status_code == 403, label
    for view in ("add", "delete"):
        args = (obj.pk,) if view == "delete" else ()
        response = client.get(url(label, view, *args))
        assert response.status_code in (200, 403), (label, view, response.status_code)
        if response.status_code == 200:
            seen.add(view)
    return seen


def actions_offered(client, label: str) -> set[str]:
    listing = client.get(url(label, "changelist"))
    if listing.status_code != 200:
        return set()
    select = re.search(r'<select name="action".*?</select>', listing.content.decode(), re.S)
    return set(re.findall(r'<option value="(\w+)"', select.group(0))) if select else set()


def every_action(label: str) -> set[str]:
    model_admin = next(ma for model, ma in admin.site._registry.items()
                       if model._meta.label_lower == label)
    return {"delete_selected", *(model_admin.actions or ())}


def test_the_matrix_covers_every_admin_model():
    assert {model._meta.label_lower for model in admin.site._registry} == set(MATRIX)


def test_two_factor_devices_are_in_no_ones_admin():
    """django-otp registers admins that would show keys and recovery codes: unregistered."""
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not {"otp_totp.totpdevice", "otp_static.staticdevice"} & registered
    assert "reset_two_factor" in every_action("accounts.user")  # refused to both roles above


@pytest.mark.parametrize("role", ["operator", "supervisor"])
def test_each_admin_page_and_action_follows_the_role_matrix(client, request, role):
    rows = one_of_each()
    client.force_login(request.getfixturevalue(role))
    for label, obj in rows.items():
        pages, actions = MATRIX[label][role]
        assert pages_seen(client, label, obj) == pages, (label, role)
        assert actions_offered(client, label) == actions, (label, role)
        for action in every_action(label) - actions:  # run by hand: refused, nothing done
            response = client.post(url(label, "changelist"),
                                   {"action": action, ACTION_CHECKBOX_NAME: [obj.pk]},
                                   follow=True)
            assert response.status_code in (200, 403), (label, action)
            html = response.content.decode()
            # Back on the list, told so (or, with no action to offer, not asked at all).
            assert "No action selected." in html or 'name="action"' not in html, (label,
                                                                                  action)
            assert type(obj).objects.filter(pk=obj.pk).exists()
        for action in actions:  # the first step of each allowed action opens
            response = client.post(url(label, "changelist"),
                                   {"action": action, ACTION_CHECKBOX_NAME: [obj.pk]},
                                   follow=True)
            assert response.status_code == 200, (label, action)
            assert "No action selected." not in response.content.decode(), (label, action)


def user_form(user: User, **extra) -> dict:
    """The user admin's form as a browser would post it, plus whatever is added."""
    data = {"email": user.email, "display_name": user.display_name,
            "language": user.language, "time_zone": user.time_zone, "is_active": "on"}
    data.update(extra)
    return data


def test_a_supervisor_cannot_make_themselves_superuser(client, supervisor):
    client.force_login(supervisor)
    change = url("accounts.user", "change", supervisor.pk)
    page = client.get(change).content.decode()
    assert "Superuser status" not in page and 'name="_save"' not in page
    response = client.post(change, user_form(
        supervisor, is_staff="on", is_superuser="on",
        groups=[Group.objects.get(name="supervisor").pk]))
    assert response.status_code == 403
    supervisor.refresh_from_db()
    assert not supervisor.is_superuser


def test_a_supervisor_edits_a_creator_but_gives_no_role_or_address(client, supervisor,
                                                                   creator):
    client.force_login(supervisor)
    change = url("accounts.user", "change", creator.pk)
    page = client.get(change).content.decode()
    assert "Superuser status" not in page and "Staff status" not in page
    assert f"/{creator.pk}/password/" not in page and "algorithm" not in page
    response = client.post(change, user_form(
        creator, display_name="Hanako Y.", email="sato+taken@kotae.example",
        is_staff="on", is_superuser="on", role="supervisor",
        groups=[Group.objects.get(name="supervisor").pk]))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.display_name == "Hanako Y."
    assert creator.email == "hanako@example.com"
    assert not creator.is_staff and not creator.is_superuser and creator.role == "creator"


def test_a_supervisor_cannot_change_a_creators_password(client, supervisor, creator):
    client.force_login(supervisor)
    password = reverse("admin:auth_user_password_change", args=[creator.pk])
    assert client.get(password).status_code == 403
    response = client.post(password, {"password1": "taken-over-pw-2026",
                                      "password2": "taken-over-pw-2026"})
    assert response.status_code == 403
    client.logout()
    assert not logs_in(client, "hanako@example.com", "taken-over-pw-2026")
    assert logs_in(client, "hanako@example.com", "pw-for-tests-1")


def test_a_supervisor_cannot_deactivate_a_colleague(client, supervisor, operator):
    client.force_login(supervisor)
    response = client.post(url("accounts.user", "change", operator.pk),
                           user_form(operator, is_active=""))
    assert response.status_code == 403
    operator.refresh_from_db()
    assert operator.is_active


def test_a_superuser_gives_a_role_and_sets_a_password(client, creator):
    root = User.objects.create_superuser(email="root@kotae.example", password="x" * 14,
                                         display_name="Root")
    client.force_login(root)
    change = url("accounts.user", "change", creator.pk)
    page = client.get(change).content.decode()
    assert "Superuser status" in page and 'name="role"' in page
    response = client.post(change, user_form(creator, role="supervisor"))
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.is_staff and creator.role == "supervisor" and not creator.is_superuser
    password = reverse("admin:auth_user_password_change", args=[creator.pk])
    response = client.post(password, {"password1": "a-new-pw-for-her", "usable_password": "true",
                                      "password2": "a-new-pw-for-her"})
    assert response.status_code == 302
    client.logout()
    assert logs_in(client, "hanako@example.com", "a-new-pw-for-her")


def test_organisations_are_not_a_way_in(client, supervisor):
    """A supervisor edits an organisation's details; its members are not in that form."""
    organisation = OrganisationFactory()
    client.force_login(supervisor)
    page = client.get(url("accounts.organisation", "change", organisation.pk)).content.decode()
    assert 'name="_save"' in page and "memberships-" not in page


def test_only_a_superuser_gives_a_role(supervisor, creator):
    from django.core.exceptions import PermissionDenied

    from accounts.services import user_role_set

    with pytest.raises(PermissionDenied, match="Only a superuser may change a person's role."):
        user_role_set(user=creator, role="supervisor", actor=supervisor)
    creator.refresh_from_db()
    assert not creator.is_staff and creator.role == "creator"


def test_only_a_superuser_sees_and_ends_login_pauses(client):
    """Wrong-password counts name people and their addresses: superusers only, who may
    delete one to end its pause at once (they cannot make or edit one)."""
    attempt = AccessAttempt.objects.create(
        username="hanako@example.com", ip_address="203.0.113.7", user_agent="curl",
        http_accept="*/*", path_info="/accounts/login/", failures_since_start=5,
        get_data="", post_data="")
    root = User.objects.create_superuser(email="root@kotae.example", password="x" * 14,
                                         display_name="Root")
    client.force_login(root)
    listing = client.get(url("axes.accessattempt", "changelist")).content.decode()
    assert "hanako@example.com" in listing and "203.0.113.7" in listing
    assert client.get(url("axes.accessattempt", "add")).status_code == 403
    assert 'name="_save"' not in client.get(
        url("axes.accessattempt", "change", attempt.pk)).content.decode()
    response = client.post(url("axes.accessattempt", "delete", attempt.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
