"""Filing every kind of case through the portal, and losing nothing on the way."""
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case, Decision, StagedUpload
from complaints.services.decisions import decision_record
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import file_case, png_upload
from tests.support.pages import written_back

pytestmark = pytest.mark.django_db


def new_url(kind):
    return reverse("complaints:case_new", args=[kind])


def test_output_complaint_with_two_works_and_two_locations(client, creator, on_commit):
    client.force_login(creator)
    data = portal_data.output_complaint(
        works=[("Hoshizora Quest", "anime"), ("Aki Character Sheet", "character")],
        locations=["https://dreamreel.example/v/abc123", "gen_7f3a9c2e11"],
    )
    with on_commit():
        response = send(client, new_url("output-complaint"), {**data, "evidence": [png_upload()]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert [w.title for w in case.works.all()] == ["Hoshizora Quest", "Aki Character Sheet"]
    assert [loc.url for loc in case.locations.all()] == [
        "https://dreamreel.example/v/abc123", "gen_7f3a9c2e11"]
    assert case.evidence.count() == 1
    assert len(mail.outbox) == 1


def test_training_objection_for_a_whole_catalogue(client, creator):
    client.force_login(creator)
    response = send(client, new_url("training-objection"), portal_data.training_objection())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "training_objection" and case.whole_catalogue
    assert case.training_uses == ["training", "style_imitation"]
    page = client.get(reverse("complaints:case_detail", args=[case.reference])).content.decode()
    assert "Style imitation" in page and "hoshizora.example" in page


def test_training_objection_without_catalogue_needs_works(client, creator):
    client.force_login(creator)
    response = send(client, new_url("training-objection"),
                    portal_data.training_objection(whole_catalogue=""))
    assert response.status_code == 400
    assert "Name at least one of your works." in response.content.decode()


def test_inquiry_with_several_questions(client, creator):
    client.force_login(creator)
    response = send(client, new_url("inquiry"), portal_data.inquiry())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.questions.count() == 2
    assert not case.good_faith_statement and case.accuracy_statement


def test_agent_must_name_principal_and_authority(client, creator):
    client.force_login(creator)
    response = send(client, new_url("output-complaint"),
                    portal_data.output_complaint(filed_as="agent"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Name the rights holder you act for." in html
    assert "Say how you are authorised to act for them." in html
    response = send(client, new_url("output-complaint"), portal_data.output_complaint(
 filed_as="agent", principal_name="Studio Hoshizora",
 authority_statement="Written mandate of 1 April 2026, ref. M-22."))
    assert response.status_code == 302
    assert Case.objects.get().principal_name == "Studio Hoshizora"


def test_unknown_kind_is_404(client, creator):
    client.force_login(creator)
    assert client.get(new_url("nonsense")).status_code == 404


def decide(case, operator):
    return decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                           actions=["no_action"], facts="Not similar.", ground="Policy 3.1.",
                           automated_means=False)


def test_appeal_within_six_months(client, creator, operator):
    case = file_case(filer=creator)
    decide(case, operator)
    client.force_login(creator)
    url = reverse("complaints:case_appeal", args=[case.reference])
    assert client.get(url).status_code == 200
    response = send(client, url, portal_data.appeal())
    assert response.status_code == 302
    appeal = Case.objects.get(kind="appeal")
    assert appeal.appeal_of == case
    assert appeal.title == f"Appeal against {case.reference}"
    # One appeal at a time.
    again = client.get(url)
    assert again.status_code == 400
    assert appeal.reference in again.content.decode()


def test_appeal_after_six_months_is_refused_clearly(client, creator, operator):
    case = file_case(filer=creator)
    decide(case, operator)
    Decision.objects.filter(case=case).update(appeal_deadline=timezone.now() - timedelta(days=1))
    client.force_login(creator)
    url = reverse("complaints:case_appeal", args=[case.reference])
    response = client.get(url)
    assert response.status_code == 400
    assert "The time to appeal this decision ended" in response.content.decode()
    # The date as every page writes it, with its zone.
    assert re.search(r"ended on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} JST",
                     response.content.decode())
    creator.language = "ja"
    creator.save()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} JST",
                     client.get(url).content.decode())
    response = send(client, url, portal_data.appeal())
    assert response.status_code == 400
    assert Case.objects.filter(kind="appeal").count() == 0


def test_an_undecided_case_cannot_be_appealed(client, creator):
    case = file_case(filer=creator)
    client.force_login(creator)
    response = client.get(reverse("complaints:case_appeal", args=[case.reference]))
    assert response.status_code == 400
    assert "Only a decided case can be appealed." in response.content.decode()


def test_add_a_row_without_javascript_keeps_everything(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(add_row="works")
    response = send(client, new_url("output-complaint"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="works-TOTAL_FORMS" value="2"' in html
    assert "Hoshizora Quest" in html and written_back("The character's face", html)
    assert "error-summary" not in html  # adding a row is not an error
    assert Case.objects.count() == 0


def test_remove_a_row_without_javascript(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(
        works=[("Keep me", "anime"), ("Remove me", "game")], remove_row="works-1")
    html = send(client, new_url("output-complaint"), data).content.decode()
    assert 'name="works-TOTAL_FORMS" value="1"' in html
    assert "Keep me" in html and "Remove me" not in html


def test_blank_rows_are_ignored(client, creator):
    client.force_login(creator)
    data = portal_data.output_complaint(**portal_data.management("works", 2))
    assert send(client, new_url("output-complaint"), data).status_code == 302
    assert Case.objects.get().works.count() == 1


def test_a_failed_form_keeps_the_uploaded_file(client, creator):
    client.force_login(creator)
    response = send(client, new_url("output-complaint"),
                    {**portal_data.output_complaint(signature=""),
                     "evidence": [png_upload("frame-0412.png")]})
    html = response.content.decode()
    assert response.status_code == 400
    staged = StagedUpload.objects.get(owner=creator)
    assert f'name="staged" value="{staged.public_id}"' in html
    assert "frame-0412.png" in html
    # The user fixes only the signature; the file goes with the case.
    response = send(client, new_url("output-complaint"),
                    {**portal_data.output_complaint(), "staged": [str(staged.public_id)]})
    assert response.status_code == 302
    evidence = Case.objects.get().evidence.get()
    assert evidence.original_name == "frame-0412.png"
    assert evidence.sha256 == staged.sha256
    assert not StagedUpload.objects.exists()


def test_someone_elses_staged_file_is_not_taken(client, creator, other_creator):
    client.force_login(other_creator)
    send(client, new_url("output-complaint"),
         {**portal_data.output_complaint(signature=""), "evidence": [png_upload()]})
    theirs = StagedUpload.objects.get()
    client.force_login(creator)
    response = send(client, new_url("output-complaint"),
                    {**portal_data.output_complaint(), "staged": [str(theirs.public_id)]})
    assert response.status_code == 302
    assert Case.objects.get().evidence.count() == 0
    assert client.get(reverse("complaints:staged_download", args=[theirs.public_id])
                      ).status_code == 404


def test_oversized_file_gets_a_clear_message(client, creator, settings):
    settings.KOTAE_MAX_UPLOAD_BYTES = 50
    client.force_login(creator)
    response = send(client, new_url("output-complaint"),
                    {**portal_data.output_complaint(), "evidence": [png_upload()]})
    assert response.status_code == 400
    assert "a file may be at most 50" in response.content.decode()


def test_a_renamed_program_is_refused(client, creator):
    client.force_login(creator)
    fake = SimpleUploadedFile("frame.png", b"MZ\x90\x00\x03" + b"\x00" * 200,
                              content_type="image/png")
    response = send(client, new_url("output-complaint"),
                    {**portal_data.output_complaint(), "evidence": [fake]})
    assert response.status_code == 400
    assert "judging by its content" in response.content.decode()
    assert not StagedUpload.objects.exists()


def test_session_expired_while_typing_files_after_login(client, creator, on_commit):
    """The form comes back filled in after login; the filer checks it and sends it."""
    url = new_url("output-complaint")
    response = send(client, url, {**portal_data.output_complaint(), "evidence": [png_upload()]})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("accounts:login"))
    response = client.post(login_url, {"username": creator.email,
                                       "password": "pw-for-tests-1"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Here is the form as you left it." in html
    staged = StagedUpload.objects.get(owner=creator)
    assert f'name="staged" value="{staged.public_id}"' in html
    assert Case.objects.count() == 0  # nothing is sent in the filer's name unseen
    with on_commit():
        response = send(client, url, {**portal_data.output_complaint(),
                              "staged": [str(staged.public_id)]})
    case = Case.objects.get()
    assert response["Location"] == reverse("complaints:case_filed", args=[case.reference])
    assert case.filer == creator
    assert case.evidence.count() == 1
    assert len(mail.outbox) == 1


def test_success_page_says_when_in_the_users_time_zone(client, creator):
    creator.time_zone = "Europe/London"
    creator.save()
    client.force_login(creator)
    response = send(client, new_url("output-complaint"), portal_data.output_complaint(),
                    follow=True)
    html = response.content.decode()
    case = Case.objects.get()
    assert case.reference in html
    due = case.deadlines.get(clock="first_response").due_at
    local = timezone.localtime(due, timezone=ZoneInfo("Europe/London"))
    assert re.search(rf"{local.day} {local.strftime('%b')} {local.year}, "
                     rf"{local.strftime('%H:%M')} (GMT|BST)", html), html


def test_files_of_filings_never_sent_are_purged(client, creator):
    client.force_login(creator)
    send(client, new_url("output-complaint"),
         {**portal_data.output_complaint(signature=""), "evidence": [png_upload()]})
    staged = StagedUpload.objects.get()
    path = staged.file.path
    from complaints.tasks import staged_uploads_purge_task

    assert staged_uploads_purge_task() == 0  # still fresh
    StagedUpload.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert staged_uploads_purge_task() == 1
    assert not StagedUpload.objects.exists()
    assert not Path(path).exists()
