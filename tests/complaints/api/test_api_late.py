"""The API says when a case is late and the date we now promise: new fields `late` and
`promised_at` on a case, its summary and each of its deadlines; `due_at` stays as it was."""
import pytest

from complaints.api.present import moment
from tests.complaints.api.test_api import CASES, client_for
from tests.factories import file_case
from tests.support.late import late_case

pytestmark = pytest.mark.django_db


def test_a_late_case_says_so_with_the_promised_date(creator):
    case, clock = late_case(creator)
    on_time = file_case(filer=creator)
    client = client_for(creator)

    summaries = {c["reference"]: c for c in client.get(CASES).json()["results"]}
    assert summaries[case.reference]["late"] is True
    assert summaries[case.reference]["promised_at"] == moment(clock.promised_at)
    assert summaries[on_time.reference]["late"] is False
    assert summaries[on_time.reference]["promised_at"] is None

    detail = client.get(f"{CASES}{case.reference}/").json()
    assert detail["late"] is True and detail["promised_at"] == moment(clock.promised_at)
    first = next(d for d in detail["deadlines"] if d["clock"] == "first_response")
    assert first["due_at"] == moment(clock.due_at)
    assert first["late"] is True and first["promised_at"] == moment(clock.promised_at)
    decision = next(d for d in detail["deadlines"] if d["clock"] == "decision")
    assert decision["late"] is False and decision["promised_at"] is None

    fresh = client.get(f"{CASES}{on_time.reference}/").json()
    assert fresh["late"] is False and fresh["promised_at"] is None
