"""Both sides of a dispute, end to end, through the faces each side uses: the product names
the output's owner through the API, the desk removes the output, the owner's statement of
reasons arrives by e-mail, the owner follows its link and sends a counter-notice, the
complainant gets a copy, the restore clock runs out on the US business calendar (skipping
Christmas and New Year's Day), the output is restored and the AI product ordered to put it
back, and both sides are told: every e-mail once."""
import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_create, roles_ensure, user_role_set
from complaints.models import CaseEvent, CounterNotice, EnforcementOrder
from complaints.services.decisions import decision_record
from complaints.services.sweep import deadlines_sweep
from tests.factories import LocationData, UserFactory, file_case

pytestmark = pytest.mark.django_db

OUTPUT = "https://dreamreel.example/v/abc123"
OWNER = "mika@generations.example"


def at(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t')[1]}")
    return client


def links_in(message) -> list[str]:
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]


def test_both_sides_from_the_notice_to_the_restored_output(client, creator, operator,
                                                           on_commit, monkeypatch):
    roles_ensure()
    product = user_role_set(user=UserFactory(email="product@dreamreel.example"),
                            role=Role.PRODUCT)
    complaint = file_case(filer=creator, law="us_dmca", locations=[LocationData(url=OUTPUT)])
    location = complaint.locations.get()
    named = api_as(product).put(
        f"/api/v1/cases/{complaint.reference}/locations/{location.pk}/owner/",
        {"account_id": "u-4412", "handle": "mika_draws", "email": OWNER, "language": "en"},
        format="json")
    assert named.status_code == 200, named.json()
    mail.outbox.clear()

    # The desk removes the output: its owner is told why, once, with every way to object.
    with on_commit():
        decision_record(case=complaint, decided_by=operator, outcome="upheld",
                        actions=["output_removed"], facts="Frames 12-13 match the key art.",
                        ground="17 U.S.C. § 512(c)", automated_means=False)
    [statement] = [m for m in mail.outbox if m.to == [OWNER]]
    for element in (OUTPUT, "Frames 12-13 match the key art.", "No automated means",
                    "17 U.S.C. § 512(g)", "Article 21", "court", complaint.reference):
        assert element in statement.body, element
    assert creator.email not in statement.body
    page_path = next(p for p in links_in(statement) if p.startswith("/owner/")
                     and not p.rstrip("/").endswith("counter-notice"))
    form_path = next(p for p in links_in(statement) if p.rstrip("/").endswith("counter-notice"))

    # The owner opens their page from the e-mail: the notice, never the complainant's address.
    page = client.get(page_path)
    assert page.status_code == 200
    assert OUTPUT in page.content.decode() and creator.email not in page.content.decode()

    # ...and sends a counter-notice on Wednesday 23 December 2026, 10:00 in New York.
    monkeypatch.setattr(timezone, "now", lambda: at("2026-12-23T10:00:00-05:00"))
    with on_commit():
        sent = client.post(form_path, {
            "locations": [location.pk], "full_name": "Mika Tanaka",
            "postal_address": "1 Main St\nSpringfield, IL 62701", "phone": "+1 217 555 0100",
            "email": OWNER, "mistake_statement": "on", "jurisdiction_consent": "on",
            "signature": "Mika Tanaka"})
    monkeypatch.undo()
    assert sent.status_code == 200
    notice = CounterNotice.objects.get(complaint=complaint)
    # Ten US business days: Christmas Day and New Year's Day do not count.
    assert notice.restore_after.astimezone(UTC).date() == datetime(2027, 1, 8).date()
    [copy] = [m for m in mail.outbox if m.to == [creator.email] and "counter-notice" in m.subject]
    for element in ("Mika Tanaka", "1 Main St", "+1 217 555 0100", "penalty of perjury"):
        assert element in copy.body, element

    # The restore clock: nothing the day before; restored once, however often the sweep runs.
    with on_commit():
        deadlines_sweep(now=at("2027-01-07T18:30:00-05:00"))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
    within_the_window = notice.restore_after + (notice.restore_by - notice.restore_after) / 8
    for _ in range(2):
        with on_commit():
            deadlines_sweep(now=within_the_window)
    restored = CaseEvent.objects.get(case=complaint, event_type="output_restored")
    assert restored.new_value == {"locations": [OUTPUT]}
    order = EnforcementOrder.objects.get(case=complaint, action="restore")
    assert [row["url"] for row in order.locations] == [OUTPUT]
    assert [row.action for row in EnforcementOrder.objects.filter(case=complaint)
            .order_by("pk")] == ["remove", "restore"]

    # Both told at each step, and every e-mail exactly once.
    sent_to = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(count == 1 for count in sent_to.values()), sent_to
    owner_subjects = [subject for to, subject in sent_to if to == OWNER]
    complainant_subjects = [subject for to, subject in sent_to if to == creator.email]
    assert len(owner_subjects) == 3  # the statement, the counter-notice's receipt, restored
    assert len(complainant_subjects) == 3  # the decision, the copy, restored
    assert any("restored" in subject.lower() for subject in owner_subjects)
    assert any("restored" in subject.lower() for subject in complainant_subjects)
