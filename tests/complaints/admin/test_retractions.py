"""The desk's list of actions to undo after a retraction, and marking them undone."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.complaints.portal.test_retract import decide, page, retract, two_locations

pytestmark = pytest.mark.django_db
UNDOS = reverse("admin:complaints_retractionundo_changelist")


def test_the_desk_undoes_what_a_retraction_takes_back(client, creator, operator):
    case = two_locations(creator)
    decide(case, operator)
    client.force_login(creator)
    retract(client, case)

    client.force_login(operator)
    listed = client.get(UNDOS + "?undone=no")
    text = listed.content.decode()
    assert listed.status_code == 200
    assert case.reference in text and "Output removed" in text
    assert "Prompt or character blocked" in text and text.count(">To undo<") >= 2
    desk = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    assert "Retractions" in desk and "We licensed the character to them." in desk

    first = case.retractions.get().undos.get(action="output_removed")
    done = client.post(UNDOS, {"action": "mark_undone", ACTION_CHECKBOX_NAME: [first.pk]},
                       follow=True)
    assert "1 action was marked as undone." in done.content.decode()
    left = client.get(UNDOS + "?undone=no").content.decode()
    assert "Prompt or character blocked" in left and "Output removed" not in left

    client.force_login(creator)
    assert "After the retraction, this action was undone: Output removed." in page(client,
                                                                                    case)


def test_a_partial_retraction_undoes_only_what_concerns_locations(client, creator,
                                                                  operator):
    case = two_locations(creator)
    decide(case, operator, actions=("output_removed", "excluded_from_training"))
    client.force_login(creator)
    retract(client, case, scope="some", locations=["https://dreamreel.example/v/def456"])
    client.force_login(operator)
    text = client.get(UNDOS).content.decode()
    assert "Output removed" in text and "Works excluded from training" not in text


def test_the_desk_sees_which_location_was_retracted(client, creator, operator):
    import re

    from tests.complaints.portal.test_retract import B

    case = two_locations(creator)
    client.force_login(creator)
    retract(client, case, scope="some", locations=[B])
    client.force_login(operator)
    desk = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    # The badge is in the cell of the location it is about.
    cells = re.findall(r"<td>(.*?)</td>", desk, re.S)
    marked = [c for c in cells if "Retracted by the filer" in c]
    assert len(marked) == 1 and B in marked[0], marked
