"""Enforcement orders: each decision that acts orders the AI product to act (one order per
kind of action, none for "no action"), an appeal that reverses a removal orders the output
restored, as do a retraction after a removal and a counter-notice's restore; the product's
acknowledgement is kept once, and a done time that cannot be is refused with its reason."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import roles_ensure, user_role_set
from complaints.domain.events import EventType
from complaints.models import CaseEvent, EnforcementOrder
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from complaints.services.enforcement import enforcement_acknowledge, enforcement_order_restore
from complaints.services.retractions import retraction_record
from tests.factories import (
    LocationData,
    UserFactory,
    WorkData,
    complaint_draft,
    file_case,
    staff_user,
)

pytestmark = pytest.mark.django_db
URL_A, URL_B = "https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"


@pytest.fixture
def product(db):
    roles_ensure()
    return user_role_set(user=UserFactory(email="product@dreamreel.example"),
                         role=Role.PRODUCT)


def two_locations(creator):
    return file_case(filer=creator, locations=[
        LocationData(url=URL_A, prompt="Hoshino Aki dancing"), LocationData(url=URL_B)],
        works=[WorkData(title="Hoshizora Quest", kind="anime", rights_holder="Studio H",
                        identifier="https://hoshizora.example")])


def decide(case, who, outcome="upheld", actions=("output_removed",)):
    return decision_record(case=case, decided_by=who, outcome=outcome, actions=list(actions),
                           facts="Frames 12-13 match.", ground="Copyright Act art. 21",
                           automated_means=False)


def orders(case):
    return {o.action: o for o in EnforcementOrder.objects.filter(case=case)}


def test_each_action_of_a_decision_orders_the_product_once(creator, operator, settings):
    settings.KOTAE_ENFORCEMENT_DUE_HOURS = 6
    case = two_locations(creator)
    decision = decide(case, operator, actions=["output_removed", "prompt_blocked",
                                               "excluded_from_training"])
    made = orders(case)
    assert set(made) == {"remove", "block_prompt", "exclude_training"}
    remove = made["remove"]
    assert remove.decision == decision and remove.acknowledged_at is None
    assert remove.due_at - remove.ordered_at == timedelta(hours=6)
    assert [loc["url"] for loc in remove.locations] == [URL_A, URL_B]
    assert remove.works == []
    assert made["block_prompt"].locations[0]["prompt"] == "Hoshino Aki dancing"
    assert made["block_prompt"].works[0]["title"] == "Hoshizora Quest"
    assert made["exclude_training"].locations == []
    assert made["exclude_training"].works[0]["identifier"] == "https://hoshizora.example"
    assert CaseEvent.objects.filter(case=case, event_type=EventType.ENFORCEMENT_ORDERED,
                                    public=False).count() == 3


@pytest.mark.parametrize(("outcome", "actions"), [("not_upheld", ["no_action"])])
def test_no_action_orders_nothing(creator, operator, outcome, actions):
    case = file_case(filer=creator)
    decide(case, operator, outcome=outcome, actions=actions)
    assert not EnforcementOrder.objects.exists()


def test_a_training_objection_upheld_orders_the_works_excluded(creator, operator):
    case = file_case(filer=creator, kind="training_objection", remedies=[], locations=[],
                     similarity="", training_uses=["training"])
    decide(case, operator, actions=["excluded_from_training"])
    assert set(orders(case)) == {"exclude_training"}


def appeal_of(case, filer):
    return case_submit(filer=filer, draft=complaint_draft(
        kind="appeal", title="Please look again", appeal_of_id=case.pk,
        appeal_grounds="The output is my own drawing."))


def test_an_appeal_reversing_a_removal_orders_the_output_restored(creator, operator,
                                                                   supervisor):
    case = two_locations(creator)
    decide(case, operator, actions=["output_removed", "prompt_blocked"])
    appeal = appeal_of(case, creator)
    reversal = decide(appeal, supervisor, outcome="reversed", actions=["no_action"])
    restore = EnforcementOrder.objects.get(action="restore")
    assert restore.case == case and restore.decision == reversal
    assert [loc["url"] for loc in restore.locations] == [URL_A, URL_B]
    assert EnforcementOrder.objects.count() == 3  # remove, block_prompt, restore


def test_an_appeal_reversing_a_refusal_orders_the_removal(creator, operator, supervisor):
    case = file_case(filer=creator)
    decide(case, operator, outcome="not_upheld", actions=["no_action"])
    decide(appeal_of(case, creator), supervisor, outcome="reversed",
           actions=["output_removed"])
    assert set(orders(case)) == {"remove"}


def test_an_appeal_confirming_orders_nothing_more(creator, operator, supervisor):
    case = file_case(filer=creator)
    decide(case, operator)
    decide(appeal_of(case, creator), supervisor, outcome="confirmed", actions=["no_action"])
    assert list(EnforcementOrder.objects.values_list("action", flat=True)) == ["remove"]


def test_a_retraction_after_a_removal_orders_the_retracted_outputs_restored(creator,
                                                                           operator):
    case = two_locations(creator)
    decide(case, operator, actions=["output_removed", "prompt_blocked"])
    retraction_record(case=case, actor=creator, whole=False, urls=[URL_B],
                      statement="We licensed this one.")
    restore = EnforcementOrder.objects.get(action="restore")
    assert [loc["url"] for loc in restore.locations] == [URL_B]
    assert restore.decision == case.decision


def test_enforcement_order_restore_for_a_counter_notice(creator, operator):
    case = two_locations(creator)
    decide(case, operator)
    order = enforcement_order_restore(case=case, locations=[URL_A])
    assert order.action == "restore" and order.decision is None
    assert order.locations == [{"url": URL_A, "prompt": "Hoshino Aki dancing"}]
    assert enforcement_order_restore(case=case, locations=[]) is None


def test_acknowledged_once_by_the_product_only(creator, operator, product):
    case = file_case(filer=creator)
    decide(case, operator)
    order = EnforcementOrder.objects.get()
    with pytest.raises(PermissionDenied):
        enforcement_acknowledge(order=order, actor=operator, done_at=timezone.now())
    with pytest.raises(PermissionDenied):
        enforcement_acknowledge(order=order, actor=creator, done_at=timezone.now())
    superuser = staff_user(email="root@kotae.example")
    superuser.is_superuser = True
    with pytest.raises(PermissionDenied):
        enforcement_acknowledge(order=order, actor=superuser, done_at=timezone.now())

    done = timezone.now()
    first = enforcement_acknowledge(order=order, actor=product, done_at=done, note="Taken down.")
    again = enforcement_acknowledge(order=order, actor=product, done_at=timezone.now(),
                                    note="Again")
    assert (again.done_at, again.note, again.acknowledged_at) == \
        (done, "Taken down.", first.acknowledged_at)
    assert again.state == "done" and again.acknowledged_by == product
    assert CaseEvent.objects.filter(case=case,
                                    event_type=EventType.ENFORCEMENT_DONE).count() == 1


def test_a_done_time_that_cannot_be_is_refused_with_its_reason(creator, operator, product):
    case = file_case(filer=creator)
    decide(case, operator)
    order = EnforcementOrder.objects.get()
    for done_at, words in [(timezone.now() + timedelta(hours=1), "in the future"),
                           (order.ordered_at - timedelta(hours=1), "before the order")]:
        with pytest.raises(ValidationError) as refused:
            enforcement_acknowledge(order=order, actor=product, done_at=done_at)
        assert words in refused.value.message_dict["done_at"][0]
    order.refresh_from_db()
    assert order.acknowledged_at is None


def test_overdue_after_its_due_time(creator, operator):
    case = file_case(filer=creator)
    decide(case, operator)
    order = EnforcementOrder.objects.get()
    assert order.state == "pending"
    EnforcementOrder.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    order.refresh_from_db()
    assert order.state == "overdue"


def test_a_reversal_with_nothing_to_act_on_orders_nothing(creator, operator, supervisor):
    # An appeal against an inquiry's answer, reversed with a removal: the inquiry names no
    # output, so the product would get an order to remove nothing.
    inquiry = case_submit(filer=creator, draft=complaint_draft(
        kind="inquiry", title="Was my work used?", questions=["Was it in the data?"],
        works=[], locations=[], good_faith_statement=False))
    for question in inquiry.questions.all():
        question_answer(question=question, actor=operator, category="no",
                        text="It was not.")
    decide(inquiry, operator, outcome="answered", actions=["no_action"])
    decide(appeal_of(inquiry, creator), supervisor, outcome="reversed",
           actions=["output_removed"])
    assert not EnforcementOrder.objects.exists()
