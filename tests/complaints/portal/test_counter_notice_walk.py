"""Both sides of a removal under US law, through the faces: the owner's counter-notice by
their link, the copy to the complainant, the restore after ten US business days (not
counting Thanksgiving), or a court action reported in time; and every refusal."""
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from complaints.models import CaseEvent, CounterNotice, EnforcementOrder, OutputOwner
from complaints.services.decisions import decision_record
from complaints.services.owners import owner_link_token
from complaints.services.sweep import deadlines_sweep
from tests.factories import LocationData, file_case

pytestmark = pytest.mark.django_db

A, B = "https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"


def at(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def removed(creator, operator, *, law="us_dmca", actions=("output_removed",)):
    complaint = file_case(filer=creator, locations=[LocationData(url=A), LocationData(url=B)])
    complaint.law = law
    complaint.save(update_fields=["law"])
    owner, _ = OutputOwner.objects.get_or_create(
        ai_product="DreamReel video", account_id="u-1",
        defaults={"handle": "mika_draws", "email": "mika@example.com"})
    complaint.locations.filter(url=A).update(owner=owner)
    decision_record(case=complaint, decided_by=operator, outcome="upheld",
                    actions=list(actions), facts="Frames 12-13 match.",
                    ground="17 U.S.C. § 512(c)", automated_means=False)
    return complaint, owner


def link(owner, complaint):
    return reverse("portal:owner_counter_notice",
                   kwargs={"token": owner_link_token(owner=owner, case=complaint)})


def form(complaint, **overrides):
    values = {"locations": [complaint.locations.get(url=A).pk], "full_name": "Mika Tanaka",
              "postal_address": "1 Main St\nSpringfield, IL 62701",
              "phone": "+1 217 555 0100", "email": "mika@example.com",
              "mistake_statement": "on", "jurisdiction_consent": "on",
              "signature": "Mika Tanaka"}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def send(client, owner, complaint):
    return client.post(link(owner, complaint), form(complaint))


def test_the_whole_walk_ends_with_the_output_restored_and_both_told_once(
        client, creator, operator, monkeypatch, on_commit):
    complaint, owner = removed(creator, operator)
    page = client.get(link(owner, complaint))
    assert page.status_code == 200
    assert b'value="mika@example.com"' in page.content and A.encode() in page.content
    # One mistake first: the page says what and keeps everything typed.
    mistaken = client.post(link(owner, complaint), form(complaint, phone=""))
    assert mistaken.status_code == 400
    assert "Give a telephone number." in mistaken.content.decode()
    assert "1 Main St\nSpringfield, IL 62701" in mistaken.content.decode()
    mail.outbox.clear()
    # The copy goes out on Friday 20 November 2026, 10:00 in New York.
    friday = at("2026-11-20T10:00:00-05:00")
    monkeypatch.setattr(timezone, "now", lambda: friday)
    with on_commit():  # delivered at once: the complainant has it on Friday
        sent = send(client, owner, complaint)
    monkeypatch.undo()
    notice = CounterNotice.objects.get(complaint=complaint)
    assert sent.status_code == 200
    assert notice.case.reference in sent.content.decode()
    # Monday 7 December, 18:00 in New York, shown in the desk's time zone.
    assert "Between 8 Dec 2026, 08:00 JST" in sent.content.decode()
    copy = next(m for m in mail.outbox if m.to == [creator.email])
    for element in ("Mika Tanaka", "1 Main St", "+1 217 555 0100", A, "penalty of perjury",
                    reverse("complaints:case_detail", args=[complaint.reference])):
        assert element in copy.body
    receipt = next(m for m in mail.outbox if m.to == [owner.email])
    assert notice.case.reference in receipt.subject
    copied = CaseEvent.objects.get(case=complaint, event_type="counter_notice_copy_sent")
    assert datetime.fromisoformat(copied.new_value["restore_after"]) == notice.restore_after
    assert datetime.fromisoformat(copied.new_value["restore_by"]) == notice.restore_by
    # The complainant's page offers to report a court action meanwhile.
    client.force_login(creator)
    assert b"Report a court action" in client.get(
        reverse("complaints:case_detail", args=[complaint.reference])).content
    mail.outbox.clear()
    # Friday 4 December would be ten business days if Thanksgiving counted.
    with on_commit():
        deadlines_sweep(now=at("2026-12-04T18:30:00-05:00"))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
    for _ in range(2):
        with on_commit():
            deadlines_sweep(now=at("2026-12-07T18:05:00-05:00"))
    assert CaseEvent.objects.get(case=complaint, event_type="output_restored").new_value == {
        "locations": [A]}
    # The AI product is ordered to put it back, once.
    restore = EnforcementOrder.objects.get(case=complaint, action="restore")
    assert [location["url"] for location in restore.locations] == [A]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([creator.email, owner.email])
    told_owner = next(m for m in mail.outbox if m.to == [owner.email])
    assert "restored" in told_owner.subject and A in told_owner.body
    # After the restore, a court action is refused, in the portal and the API.
    refused = client.post(reverse("complaints:case_court_action", args=[complaint.reference]),
                          {"court": "N.D. Cal.", "filed_on": "2026-12-08"})
    assert refused.status_code == 400
    assert "already restored" in refused.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=creator, name='t')[1]}")
    answer = api.post(f"/api/v1/cases/{complaint.reference}/court-action/",
                      {"court": "N.D. Cal.", "filed_on": "2026-12-08"}, format="json")
    assert answer.status_code == 409 and "already restored" in answer.json()["message"]


def test_a_court_action_in_time_keeps_the_output_removed_and_tells_the_owner(
        client, creator, operator, on_commit):
    complaint, owner = removed(creator, operator)
    with on_commit():
        send(client, owner, complaint)
    mail.outbox.clear()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=creator, name='t')[1]}")
    bad = api.post(f"/api/v1/cases/{complaint.reference}/court-action/",
                   {"court": "N.D. Cal.", "filed_on": "yesterday"}, format="json")
    assert bad.status_code == 400
    with on_commit():
        answer = api.post(f"/api/v1/cases/{complaint.reference}/court-action/",
                          {"court": "N.D. Cal.", "case_number": "3:26-cv-01234",
                           "filed_on": "2026-11-20"}, format="json")
    assert answer.status_code == 200
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "3:26-cv-01234" in mail.outbox[0].body
    with on_commit():
        deadlines_sweep(now=at("2027-02-01T12:00:00-05:00"))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
    assert not EnforcementOrder.objects.filter(action="restore").exists()
    assert CaseEvent.objects.filter(case=complaint, event_type="court_action_reported").exists()
    assert len(mail.outbox) == 1


def test_the_portal_form_reports_a_court_action(client, creator, operator, on_commit):
    complaint, owner = removed(creator, operator)
    send(client, owner, complaint)
    client.force_login(creator)
    url = reverse("complaints:case_court_action", args=[complaint.reference])
    kept = client.post(url, {"court": "", "case_number": "3:26-cv-01234",
                             "filed_on": "2026-11-20"})
    assert kept.status_code == 400 and "Name the court." in kept.content.decode()
    assert 'value="3:26-cv-01234"' in kept.content.decode()
    mail.outbox.clear()
    with on_commit():
        done = client.post(url, {"court": "N.D. Cal.", "filed_on": "2026-11-20"}, follow=True)
    assert "We have recorded your court action" in done.content.decode()
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_refusals_in_every_channel(client, creator, operator, other_creator):
    eu, owner = removed(creator, operator, law="eu_dsa")
    page = client.get(link(owner, eu))
    assert page.status_code == 403 and "made under US law" in page.content.decode()
    blocked, owner = removed(creator, operator, actions=("prompt_blocked",))
    assert "None of your outputs" in client.get(link(owner, blocked)).content.decode()
    complaint, owner = removed(creator, operator)
    token = owner_link_token(owner=owner, case=complaint)
    altered = reverse("portal:owner_counter_notice", kwargs={"token": token[:-2] + "xx"})
    assert client.get(altered).status_code == 404
    stranger = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-2",
                                          email="stranger@example.com")
    assert client.get(link(stranger, complaint)).status_code == 404
    # Someone else's output, chosen by hand: refused by the field.
    other = complaint.locations.get(url=B).pk
    answer = client.post(link(owner, complaint), form(complaint, locations=[other]))
    assert answer.status_code == 400
    # Nobody but the complainant's side may stop the restore.
    send(client, owner, complaint)
    client.force_login(other_creator)
    assert client.post(reverse("complaints:case_court_action", args=[complaint.reference]),
                       {"court": "x", "filed_on": "2026-11-20"}).status_code == 404
    assert CounterNotice.objects.get(complaint=complaint).state == "awaiting_restore"


def test_an_expired_link_says_so(client, creator, operator, settings, monkeypatch):
    import time

    from django.core import signing
    complaint, owner = removed(creator, operator)
    signed_at = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: signed_at - 400 * 24 * 3600)
    url = link(owner, complaint)
    monkeypatch.undo()
    page = client.get(url)
    assert page.status_code == 410 and "This link has expired" in page.content.decode()
