import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints.domain.status import DESK_CHOICES, TRANSITIONS, Status, can_transition, desk_label
from complaints.models import CaseEvent
from complaints.services.cases import case_transition
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def test_closed_states_go_nowhere():
    for ending in (Status.CLOSED, Status.WITHDRAWN, Status.REJECTED):
        assert TRANSITIONS[ending] == frozenset()


def test_a_case_cannot_skip_review_to_decided():
    assert not can_transition(Status.SUBMITTED, Status.DECIDED)
    assert can_transition(Status.IN_REVIEW, Status.DECIDED)


def test_transition_is_enforced_and_audited(creator, operator):
    case = file_case(filer=creator)
    with pytest.raises(ValidationError):
        case_transition(case=case, target=Status.DECIDED, actor=operator)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    case_transition(case=case, target=Status.WITHDRAWN, actor=creator)
    event = CaseEvent.objects.filter(case=case, event_type="status_changed").get()
    assert event.actor == creator
    assert event.old_value == {"status": "submitted"}
    assert event.new_value == {"status": "withdrawn"}
    # A case that ended stops its clocks.
    assert not case.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()
    assert CaseEvent.objects.get(pk=event.pk).case.next_due_at is None


def test_audit_events_are_append_only(creator):
    case = file_case(filer=creator)
    event = case.events.first()
    event.event_type = "tampered"
    with pytest.raises(Exception, match="cannot be changed"):
        event.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        event.delete()
    assert case.events.filter(event_type="tampered").count() == 0


def test_the_desk_names_a_waiting_case_from_its_side():
    with translation.override("ja"):
        assert desk_label("awaiting_filer") == "申立人の返信待ち"
        assert desk_label(Status.DECIDED) == "判断済み" == str(Status.DECIDED.label)
    assert [value for value, _label in DESK_CHOICES] == Status.values
