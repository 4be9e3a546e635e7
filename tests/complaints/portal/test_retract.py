"""The filer retracts a notice from its page: wholly or for some output locations, before
or after the decision, with a confirmation; nobody else reaches the page."""
import pytest
from django.core import mail
from django.urls import reverse

from complaints.models import Notification
from complaints.services.decisions import decision_record
from complaints.services.outbox import notification_deliver
from tests.factories import LocationData, file_case

pytestmark = pytest.mark.django_db

A, B = "https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"


def two_locations(filer):
    return file_case(filer=filer, locations=[LocationData(url=A), LocationData(url=B)])


def decide(case, operator, actions=("output_removed", "prompt_blocked")):
    decision_record(case=case, decided_by=operator, outcome="upheld", actions=list(actions),
                    facts="Frames 12-13 match.", ground="Copyright Act art. 21",
                    automated_means=False)


def retract(client, case, *, confirm=True, **data):
    url = reverse("complaints:case_retract", args=[case.reference])
    data = {"scope": "whole", "statement": "We licensed the character to them.", **data}
    return client.post(url, {**data, **({"confirm": "yes"} if confirm else {})})


def page(client, case):
    return client.get(reverse("complaints:case_detail", args=[case.reference])).content.decode()


def sent_email(case):
    row = Notification.objects.filter(case=case, kind="case_retracted").latest("pk")
    mail.outbox.clear()
    notification_deliver(notification_id=row.pk)
    return mail.outbox[0]


def test_some_locations_before_the_decision_leave_the_case_open(client, creator):
    case = two_locations(creator)
    client.force_login(creator)
    assert "Retract the notice" in page(client, case)
    check = retract(client, case, confirm=False, scope="some", locations=[B])
    body = check.content.decode()
    assert check.status_code == 200
    assert "You retract the notice for these output locations:" in body and B in body
    assert "we continue with the rest of your notice" in body
    case.refresh_from_db()
    assert not case.retractions.exists()  # only a confirmation so far

    done = retract(client, case, scope="some", locations=[B])
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"
    shown = page(client, case)
    assert "Your retraction was recorded." in shown
    assert "The filer retracted the notice for the output location " + B in shown
    email = sent_email(case)
    assert case.reference in email.subject and B in email.body
    assert "we continue with the rest of your notice" in email.body

    desk = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert desk.status_code == 302  # the filer is no operator


def test_the_desk_sees_which_locations_were_retracted(client, creator, operator):
    case = two_locations(creator)
    client.force_login(creator)
    retract(client, case, scope="some", locations=[A])
    client.force_login(operator)
    desk = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    assert desk.count("Retracted by the filer: not to be decided") == 1
    assert desk.index(A) < desk.index("Retracted by the filer") < desk.index(B)


def test_whole_before_the_decision_is_a_withdrawal(client, creator):
    case = two_locations(creator)
    client.force_login(creator)
    check = retract(client, case, confirm=False).content.decode()
    assert "the case will be withdrawn" in check
    retract(client, case)
    case.refresh_from_db()
    assert case.status == "withdrawn"
    assert "the case is withdrawn" in sent_email(case).body


def test_whole_after_the_decision_marks_its_actions_to_undo(client, creator, operator):
    case = two_locations(creator)
    decide(case, operator)
    client.force_login(creator)
    check = retract(client, case, confirm=False).content.decode()
    assert "The case stays decided" in check
    assert "Output removed" in check and "Prompt or character blocked" in check
    assert retract(client, case).status_code == 302
    case.refresh_from_db()
    assert case.status == "decided"
    shown = page(client, case)
    assert "The filer retracted the whole notice." in shown
    assert "to undo: Output removed, Prompt or character blocked" in shown
    email = sent_email(case)
    assert "recorded against our decision" in email.body
    assert "Output removed, Prompt or character blocked" in email.body
    assert "Retract the notice" not in page(client, case)  # nothing left to retract


@pytest.mark.parametrize(("data", "message"), [
    ({"scope": "some"}, "Choose the whole notice or at least one output location."),
    ({"scope": "some", "locations": ["https://elsewhere.example/v/1"]},
     "“https://elsewhere.example/v/1” is not an output location of this case."),
    ({"statement": ""}, "Say in a few words why you are retracting."),
])
def test_refusals_are_said_next_to_the_field(client, creator, data, message):
    case = two_locations(creator)
    client.force_login(creator)
    response = retract(client, case, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not case.retractions.exists()


def test_a_location_already_retracted(client, creator):
    case = two_locations(creator)
    client.force_login(creator)
    retract(client, case, scope="some", locations=[A])
    again = retract(client, case, scope="some", locations=[A])
    assert again.status_code == 400
    assert f"“{A}” has already been retracted." in again.content.decode()


def test_another_filer_gets_404(client, creator, other_creator):
    case = two_locations(creator)
    client.force_login(other_creator)
    url = reverse("complaints:case_retract", args=[case.reference])
    assert client.get(url).status_code == 404
    assert retract(client, case).status_code == 404
    assert not case.retractions.exists()
