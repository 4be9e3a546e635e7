"""The report counts retracted notices apart from withdrawn cases: on the page, in the CSV
and in the JSON."""
import csv
import io
import json

import pytest
from django.urls import reverse

from complaints.services.retractions import retraction_record
from complaints.services.transparency import transparency_refresh
from tests.complaints.portal.test_retract import B, decide, two_locations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _retract(case, **choice):
    retraction_record(case=case, actor=case.filer, statement="Settled with them.", **choice)


def test_retractions_are_counted_apart_from_withdrawals(client, operator):
    filer = UserFactory()
    for _ in range(5):  # retracted after the decision: decided, and retracted
        case = two_locations(filer)
        decide(case, operator)
        _retract(case, whole=True)
    for _ in range(5):  # some locations before the decision: still open, retracted
        _retract(two_locations(filer), whole=False, urls=[B])
    for _ in range(6):  # the whole notice before its decision: a withdrawal only
        _retract(two_locations(filer), whole=True)
    transparency_refresh(fill=False)

    data = json.loads(client.get(reverse("public:transparency_json")).content)
    [group] = [g for q in data["quarters"] for g in q["kinds"]
               if g["kind"] == "output_complaint" and g["received"] == 16]
    assert (group["withdrawn"], group["retracted"], group["decided"]) == (6, 10, 5)
    assert "retracted" in data["notes"]

    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("public:transparency_csv")).content.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["Received"] == "16"]
    assert row["Withdrawn by the filer"] == "6"
    assert row["Retracted by the filer (wholly or in part)"] == "10"

    report = client.get(reverse("public:transparency")).content.decode()
    assert "Retracted by the filer (wholly or in part)" in report
    assert "counted as withdrawn, not as retracted" in report
