"""The desk's bulk actions: each goes through a service and leaves an audit event."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from complaints.models import CaseEvent, Decision
from complaints.services.decisions import decision_record
from tests.factories import UserFactory, file_case, staff_user

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:complaints_case_changelist")


def act(client, action, cases, **extra):
    return client.post(QUEUE, {"action": action,
                               ACTION_CHECKBOX_NAME: [c.pk for c in cases], **extra})


def test_assign_to_me(client, operator):
    cases = [file_case(), file_case()]
    client.force_login(operator)
    assert act(client, "assign_to_me", cases).status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == operator
        event = CaseEvent.objects.get(case=case, event_type="assignee_changed")
        assert event.actor == operator and event.new_value == {"assignee": operator.email}


def test_assign_to_a_colleague_asks_who(client, operator):
    colleague = staff_user(email="ken@kotae.example")
    case = file_case()
    client.force_login(operator)
    page = act(client, "assign_to_colleague", [case])
    assert page.status_code == 200 and "ken@kotae.example" in page.content.decode()
    case.refresh_from_db()
    assert case.assignee is None
    act(client, "assign_to_colleague", [case], apply="1", assignee=colleague.pk)
    case.refresh_from_db()
    assert case.assignee == colleague


def test_creators_cannot_be_assigned(client, operator):
    creator = UserFactory()
    case = file_case()
    client.force_login(operator)
    page = act(client, "assign_to_colleague", [case], apply="1", assignee=creator.pk)
    assert page.status_code == 200  # the form says the choice is not valid
    case.refresh_from_db()
    assert case.assignee is None


def test_set_priority(client, operator):
    case = file_case()
    client.force_login(operator)
    act(client, "set_priority", [case], apply="1", priority="urgent")
    case.refresh_from_db()
    assert case.priority == "urgent"
    assert CaseEvent.objects.get(case=case, event_type="priority_changed").new_value == {
        "priority": "urgent"}


def test_link_as_related(client, operator):
    a, b = file_case(), file_case()
    client.force_login(operator)
    act(client, "link_cases", [a, b])
    assert list(a.linked_cases.all()) == [b]
    page = client.get(reverse("admin:complaints_case_change", args=[a.pk])).content.decode()
    assert b.reference in page


def test_merge_duplicates_one_decision_each_filer_told(client, operator, on_commit):
    first, second = UserFactory(language="ja"), UserFactory()
    primary = file_case(filer=first)
    duplicate = file_case(filer=second)
    client.force_login(operator)
    page = act(client, "merge_duplicates", [primary, duplicate])
    assert page.status_code == 200
    mail.outbox.clear()
    with on_commit():
        act(client, "merge_duplicates", [primary, duplicate], apply="1", primary=primary.pk)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == primary
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert duplicate.reference in mail.outbox[0].subject
    mail.outbox.clear()
    with on_commit():
        decision_record(case=primary, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                        actions=["output_removed"], facts="Same output.", ground="Art. 21.",
                        automated_means=False)
    duplicate.refresh_from_db()
    assert duplicate.status == "decided"
    assert duplicate.decision.facts == "Same output."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])


def test_merge_from_the_case_page(client, operator):
    primary, duplicate = file_case(), file_case()
    client.force_login(operator)
    page = client.get(reverse("admin:complaints_case_change", args=[primary.pk]))
    assert duplicate.reference in page.content.decode()  # same output URL: related
    client.post(reverse("admin:complaints_case_merge", args=[primary.pk]),
                {"duplicate": [duplicate.pk]})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == primary
