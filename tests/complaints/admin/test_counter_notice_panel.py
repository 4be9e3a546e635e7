"""The desk sees a counter-notice's elements, its restore window and where it stands, on
the counter-notice and on the complaint it answers; nothing there lets it change them."""
import pytest
from django.urls import reverse

from complaints.models import CounterNotice
from complaints.services.counter_notices import counter_notice_submit
from tests.complaints.services.test_counter_notices import data_for, removed_complaint

pytestmark = pytest.mark.django_db


def test_the_desk_reads_the_counter_notice_and_cannot_change_it(client, creator, operator):
    complaint, owner = removed_complaint(creator, operator)
    case = counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    client.force_login(operator)
    url = reverse("admin:complaints_case_change", args=[case.pk])
    page = client.get(url).content.decode()
    for shown in ("Mika Tanaka", "1 Main St, Springfield", "+1 217 555 0100",
                  "penalty of perjury", "Federal District Court", "Restore window",
                  "Awaiting restore", complaint.reference):
        assert shown in page
    assert 'name="full_name"' not in page and 'name="phone"' not in page
    on_complaint = client.get(reverse("admin:complaints_case_change", args=[complaint.pk]))
    assert case.reference in on_complaint.content.decode()
    client.post(url, {"assignee": "", "priority": "normal", "full_name": "Someone Else",
                      "phone": "0", "mistake_statement": ""})
    notice = CounterNotice.objects.get(case=case)
    assert (notice.full_name, notice.phone, notice.mistake_statement) == (
        "Mika Tanaka", "+1 217 555 0100", True)
