"""The law a notice is made under, in the portal's filing form."""
import pytest
from django.urls import reverse

from complaints.domain.laws import ACCURACY_STATEMENTS, Law
from complaints.models import Case
from tests.complaints.portal import data
from tests.complaints.portal.data import send

pytestmark = pytest.mark.django_db
URL = reverse("complaints:case_new", args=["output-complaint"])


def test_the_complaint_stores_the_law_chosen(client, creator):
    client.force_login(creator)
    response = send(client, URL, data.output_complaint(law="japan"))
    assert response.status_code == 302
    assert Case.objects.get().law == "japan"


@pytest.mark.parametrize("law", [Law.US_DMCA, Law.EU_DSA, Law.JAPAN])
def test_the_accuracy_statement_follows_the_law(client, creator, law):
    client.force_login(creator)
    response = send(client, URL, data.output_complaint(law=law, signature=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert str(ACCURACY_STATEMENTS[law]) in page
    others = [text for other, text in ACCURACY_STATEMENTS.items() if other != law]
    assert not any(str(text) in page for text in others)


def test_an_objection_may_name_a_law_and_an_inquiry_is_not_asked(client, creator):
    client.force_login(creator)
    objection = client.get(reverse("complaints:case_new", args=["training-objection"]))
    inquiry = client.get(reverse("complaints:case_new", args=["inquiry"]))
    assert 'name="law"' in objection.content.decode()
    assert 'name="law"' not in inquiry.content.decode()
    response = send(client, reverse("complaints:case_new", args=["training-objection"]),
                    data.training_objection())
    assert response.status_code == 302 and Case.objects.get().law == ""
