"""The desk hears the filer: when the filer answers a request for information, the
assignee (or, while nobody is assigned, every operator) is told, once per answer."""
import pytest

from complaints.models import Notification
from complaints.services.desk import case_assign, info_request
from complaints.services.messages import message_post
from tests.factories import file_case, staff_user

pytestmark = pytest.mark.django_db


def test_the_assignee_is_told_once(creator, operator):
    other = staff_user(email="ken@kotae.example")
    case = file_case(filer=creator)
    case_assign(case=case, actor=operator, assignee=operator)
    info_request(case=case, actor=operator, body="Which second?")
    message_post(case=case, author=creator, body="Seconds 12 to 15.")
    assert list(Notification.objects.filter(kind="filer_replied")
                .values_list("recipient", flat=True)) == [operator.email]
    message_post(case=case, author=creator, body="And a frame.")  # not an answer any more
    assert Notification.objects.filter(kind="filer_replied").count() == 1
    assert other.email not in Notification.objects.values_list("recipient", flat=True)


def test_every_operator_hears_of_an_unassigned_case(creator, operator):
    other = staff_user(email="ken@kotae.example")
    case = file_case(filer=creator)
    info_request(case=case, actor=operator, body="Which second?")
    message_post(case=case, author=creator, body="Seconds 12 to 15.")
    assert set(Notification.objects.filter(kind="filer_replied")
               .values_list("recipient", flat=True)) == {operator.email, other.email}
