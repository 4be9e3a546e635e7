"""The disputes and policies of a quarter in the transparency report: counter-notices,
restorations, owners' appeals, suspensions and repeat-infringer account actions, with the
small-group rule, on the page and in the CSV and JSON, in English and Japanese."""
import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.domain.events import EventType
from complaints.models import Case, FilerSuspension, OutputOwner
from complaints.services.audit import event_record
from complaints.services.counter_notices import CounterNoticeData, counter_notice_submit
from complaints.services.decisions import decision_record
from complaints.services.policies import owner_account_action_record
from complaints.services.transparency import transparency_figures, transparency_refresh
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputes(operator):
    owner = OutputOwner.objects.create(ai_product="DreamReel", handle="@someone",
                                       email="someone@example.com")
    complaints = [file_case() for _ in range(6)]
    Case.objects.filter(pk__in=[c.pk for c in complaints]).update(law="us_dmca")
    for complaint in complaints:
        complaint.refresh_from_db()
        complaint.locations.update(owner=owner)
        decision_record(case=complaint, decided_by=operator, outcome="upheld",
                        actions=["output_removed"], facts="Frames match.",
                        ground="17 U.S.C. § 512(c)", automated_means=False)
        counter_notice_submit(owner=owner, complaint=complaint, data=CounterNoticeData(
            locations=list(complaint.locations.values_list("pk", flat=True)),
            full_name="Mika Tanaka", postal_address="1 Main St, Springfield, IL 62701",
            phone="+1 217 555 0100", email="someone@example.com", mistake_statement=True,
            jurisdiction_consent=True, signature="Mika Tanaka"))
    for complaint in complaints[:2]:
        event_record(case=complaint, actor=operator, event_type=EventType.OUTPUT_RESTORED)
    Case.objects.filter(pk=complaints[0].pk).update(kind="appeal", output_owner=owner)
    for _ in range(5):
        FilerSuspension.objects.create(user=UserFactory(), reasons="Three notices.",
                                       ends_at=timezone.now() + timedelta(days=90))
    owner_account_action_record(owner=owner, action="warned", recorded_by=operator)
    transparency_refresh(fill=False)


def test_the_quarters_figures_follow_the_small_group_rule(disputes):
    quarter = transparency_figures()["quarters"][-1]
    assert quarter["disputes"] == {
        # 6, withheld as the counter-notice kind's received count is: with the month's 12
        # it would give away the single appeal
        "counter_notices": "withheld", "restorations": "fewer than 5",
        "owner_appeals": "fewer than 5",
        "filer_suspensions": 5, "owner_accounts_warned": "fewer than 5",
        "owner_accounts_suspended": 0, "owner_accounts_terminated": 0}


def _csv(client, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("public:transparency_csv"), HTTP_ACCEPT_LANGUAGE=language)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


@pytest.mark.parametrize("language, kind, heading, fewer, withheld", [
    ("en", "Disputes and policies (all kinds)", "Counter-notices received", "fewer than 5",
     "withheld"),
    ("ja", "異議・不服申立てとポリシーの運用（全種類）", "異議申立ての受付件数", "5件未満",
     "非公表"),
])
def test_the_csv_has_a_row_of_the_quarters_disputes(client, disputes, language, kind,
                                                     heading, fewer, withheld):
    header, rows = _csv(client, language)
    row = next(dict(zip(header, r, strict=True)) for r in rows if r[4] == kind)
    # 6, withheld as the counter-notice kind's received count is (1 appeal is hidden)
    assert row[heading] == withheld
    assert fewer in row.values()
    # The kinds' rows leave these columns blank: no figure is counted twice.
    kind_row = dict(zip(header, rows[0], strict=True))
    assert kind_row[heading] == ""


def test_the_json_and_the_page_carry_them_without_personal_data(client, disputes):
    body = client.get(reverse("public:transparency_json")).content.decode()
    data = json.loads(body)
    assert data["quarters"][-1]["disputes"]["filer_suspensions"] == 5
    assert "disputes" in data["notes"]
    assert "@someone" not in body and "@example" not in body
    page = client.get(reverse("public:transparency"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Disputes and policies" in text and "Counter-notices received" in text
    assert "@someone" not in text


def test_counter_notices_withheld_among_the_kinds_are_withheld_among_the_disputes(creator):
    # 3 output complaints (fewer than 5) and 7 counter-notices in a quarter whose months are
    # charted (10 received): the counter-notices' received count is withheld so that the 3
    # cannot be worked out as 10 - 7; the disputes' count of the same counter-notices must
    # not publish the 7 either.
    for _ in range(3):
        file_case(filer=creator)
    now = timezone.now()
    start = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    Case.objects.bulk_create(
        Case(pk=pk, reference=f"KT-2026-{pk:06d}", kind="counter_notice", status="received",
             title="Counter-notice", language="en", filer=creator, submitted_at=now)
        for pk in range(start, start + 7))
    quarter = transparency_figures()["quarters"][-1]
    [group] = [g for g in quarter["kinds"] if g["kind"] == "counter_notice"]
    assert group["received"] == "withheld"
    assert quarter["disputes"]["counter_notices"] == "withheld"

