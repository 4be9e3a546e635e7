"""The retraction service's rules that every face shares: what a whole retraction after a
decision also ends (the register's entries, an open appeal), what a partial one undoes,
and who may mark an action undone."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.domain.status import Status
from complaints.models import RegisterEntry, RetractionUndo
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from complaints.services.retractions import retraction_record
from tests.complaints.services.test_register import objection
from tests.factories import LocationData, UserFactory, complaint_draft, file_case

pytestmark = pytest.mark.django_db

A, B = "https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"
WHY = "We licensed the character to them."


def decide(case, operator, outcome="upheld", actions=("output_removed", "prompt_blocked")):
    decision_record(case=case, decided_by=operator, outcome=outcome, actions=list(actions),
                    facts="Frames 12-13 match.", ground="Copyright Act art. 21",
                    automated_means=False)


def test_a_decided_objection_retracted_whole_stops_binding_the_register(creator, operator):
    case = objection(filer=creator)
    decide(case, operator, actions=["excluded_from_training"])
    assert RegisterEntry.objects.filter(case=case).exclude(
        status=RegisterEntry.Status.CLOSED).exists()
    retraction_record(case=case, actor=creator, whole=True, statement=WHY)
    entries = RegisterEntry.objects.filter(case=case)
    assert entries and all(e.status == RegisterEntry.Status.CLOSED for e in entries)
    assert all("The filer retracted the objection." in e.reason for e in entries)


def test_some_locations_undo_only_the_removal(creator, operator):
    case = file_case(filer=creator, locations=[LocationData(url=A), LocationData(url=B)])
    decide(case, operator)
    retraction = retraction_record(case=case, actor=creator, whole=False, urls=[B],
                                   statement=WHY)
    # The blocked prompt still protects the location the notice keeps.
    assert list(retraction.undos.values_list("action", flat=True)) == ["output_removed"]


def test_an_open_appeal_waits_for_a_partial_retraction_and_ends_with_a_whole_one(
        creator, operator):
    case = file_case(filer=creator, locations=[LocationData(url=A), LocationData(url=B)])
    decide(case, operator, outcome="not_upheld", actions=["no_action"])
    appeal = case_submit(filer=creator, draft=complaint_draft(
        kind="appeal", title="Look again", appeal_of_id=case.pk,
        appeal_grounds="Frame 412 was overlooked."))
    with pytest.raises(ValidationError) as refused:
        retraction_record(case=case, actor=creator, whole=False, urls=[B], statement=WHY)
    assert f"Your appeal {appeal.reference} against the decision is still open" in str(
        refused.value)
    retraction_record(case=case, actor=creator, whole=True, statement=WHY)
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN


def test_marking_an_action_undone_needs_the_permission(client, creator, operator):
    case = file_case(filer=creator)
    decide(case, operator)
    retraction_record(case=case, actor=creator, whole=True, statement=WHY)
    undo = RetractionUndo.objects.filter(retraction__case=case).first()
    viewer = UserFactory(is_staff=True)  # staff who may only look
    from django.contrib.auth.models import Permission
    viewer.user_permissions.add(Permission.objects.get(codename="view_retractionundo"))
    client.force_login(viewer)
    url = reverse("admin:complaints_retractionundo_changelist")
    client.post(url, {"action": "mark_undone", ACTION_CHECKBOX_NAME: [undo.pk]})
    undo.refresh_from_db()
    assert undo.done_at is None
    client.force_login(operator)
    client.post(url, {"action": "mark_undone", ACTION_CHECKBOX_NAME: [undo.pk]})
    undo.refresh_from_db()
    assert undo.done_at is not None
