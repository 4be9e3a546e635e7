"""The walking skeleton, through the real views: a creator files an output complaint,
gets a receipt, an operator answers in the admin, the creator sees it on the page and
by e-mail."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from complaints.models import Case, Decision, Notification
from tests.complaints.portal.data import review_and_send
from tests.factories import png_upload
from tests.support.pages import written_back
from tests.support.two_factor import totp_code, totp_device_enrolled

pytestmark = pytest.mark.django_db


def complaint_post_data(**overrides):
    data = {
        "title": "Video copies Hoshino Aki",
        "filed_as": "rights_holder",
        "law": "us_dmca",
        "filer_postal_address": "1-2-3 Jingumae, Shibuya-ku, Tokyo",
        "filer_phone": "+81 3-1234-5678",
        "ai_product": "DreamReel video",
        "ai_model": "reel-2",
        "similarity": "The character's face, hair and costume are reproduced.",
        "remedies": ["remove_output", "block_prompts"],
        "good_faith_statement": "on",
        "accuracy_statement": "on",
        "signature": "Hanako Yamada",
        "works-TOTAL_FORMS": "1", "works-INITIAL_FORMS": "0",
        "works-MIN_NUM_FORMS": "0", "works-MAX_NUM_FORMS": "500",
        "works-0-title": "Hoshizora Quest", "works-0-kind": "anime",
        "works-0-rights_holder": "Studio Hoshizora", "works-0-identifier": "",
        "locations-TOTAL_FORMS": "1", "locations-INITIAL_FORMS": "0",
        "locations-MIN_NUM_FORMS": "0", "locations-MAX_NUM_FORMS": "500",
        "locations-0-url": "https://dreamreel.example/v/abc123",
        "locations-0-seen_at": "2026-11-20T10:30", "locations-0-prompt": "",
    }
    data.update(overrides)
    return data


def test_creator_files_operator_answers_creator_reads(client, creator, operator, on_commit):
    # The creator logs in through the real login form and files a complaint.
    response = client.post(reverse("accounts:login"),
                           {"username": creator.email, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get(reverse("complaints:case_new", args=["output-complaint"])).status_code == 200
    with on_commit():
        response = review_and_send(
            client, reverse("complaints:case_new", args=["output-complaint"]),
            {**complaint_post_data(), "evidence": [png_upload("frame-0412.png")]},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert re.fullmatch(r"KT-\d{4}-\d{6}", case.reference)
    assert response["Location"] == reverse("complaints:case_filed", args=[case.reference])
    filed_page = client.get(response["Location"]).content.decode()
    assert case.reference in filed_page

    # The receipt, with the reference in the subject and a link to the case.
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [creator.email]
    assert case.reference in receipt.subject
    assert f"/cases/{case.reference}/" in receipt.body
    assert receipt.alternatives and "text/html" == receipt.alternatives[0][1]

    # The operator answers in the admin.
    client.logout()
    client.post(reverse("accounts:login"),
                {"username": operator.email, "password": "pw-for-tests-1"})
    # The second factor: the code of the app the operator set up.
    device = totp_device_enrolled(operator)
    client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    desk_page = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert desk_page.status_code == 200
    assert "frame-0412.png" in desk_page.content.decode()
    with on_commit():
        response = client.post(
            reverse("admin:complaints_case_message", args=[case.pk]),
            {"visibility": "public",
             "body": "We have removed the video and are checking similar outputs."},
        )
    assert response.status_code == 302
    with on_commit():
        client.post(
            reverse("admin:complaints_case_message", args=[case.pk]),
            {"visibility": "internal", "body": "Legal says: clear case, block the prompt."},
        )
    decision = {"outcome": "upheld", "actions": ["output_removed", "prompt_blocked"],
                "facts": "The output reproduces the character design.",
                "ground": "Copyright Act of Japan, Art. 21; our acceptable-use policy 4.2."}
    with on_commit():  # first the review: the e-mail as the filer will read it
        review = client.post(reverse("admin:complaints_case_decide", args=[case.pk]),
                             decision)
    assert review.status_code == 200
    assert "Copyright Act of Japan, Art. 21" in review.content.decode()
    assert len(mail.outbox) == 2 and not Decision.objects.filter(case=case).exists()
    with on_commit():
        response = client.post(reverse("admin:complaints_case_decide", args=[case.pk]),
                               {**decision, "confirm": "1"})
    assert response.status_code == 302

    # The creator is told by e-mail: the reply and the decision, not the internal note.
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) == 3, subjects
    reply_mail, decision_mail = mail.outbox[1], mail.outbox[2]
    assert case.reference in reply_mail.subject
    assert "We have removed the video" in reply_mail.body
    assert "Copyright Act of Japan" in decision_mail.body
    assert all("Legal says" not in m.body for m in mail.outbox)

    # ... and on the case page.
    client.logout()
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "We have removed the video" in html
    assert "Legal says" not in html
    assert "Decided" in html
    assert "Output removed" in html and "Copyright Act of Japan" in html
    assert Notification.objects.filter(case=case, status="sent").count() == 3


def test_form_error_keeps_what_was_typed(client, creator):
    client.force_login(creator)
    response = client.post(
        reverse("complaints:case_new", args=["output-complaint"]),
        complaint_post_data(**{"locations-0-url": "https://dreamreel.example/", "signature": ""}),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert "exact output" in html  # the home page of a site is refused, with what is needed
    assert written_back("The character's face, hair and costume are reproduced.", html)
    assert "Hoshizora Quest" in html
    assert Case.objects.count() == 0


def test_mislabelled_upload_is_refused_by_content(client, creator):
    client.force_login(creator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("screenshot.png", b"MZ\x90\x00 not an image at all",
                              content_type="image/png")
    response = client.post(reverse("complaints:case_new", args=["output-complaint"]),
                           {**complaint_post_data(), "evidence": [fake]})
    assert response.status_code == 400
    assert "judging by its content" in response.content.decode()
    assert Case.objects.count() == 0
