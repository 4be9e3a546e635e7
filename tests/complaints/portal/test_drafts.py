"""A filing page posted by someone whose session ended: kept as a small draft, capped,
found again after login, and never shown to anyone else (issue 16, finding 3)."""
import secrets
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Session
from complaints.models import Case, StagedUpload
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import PNG_BYTES
from tests.support.pages import written_back

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
URL = reverse("complaints:case_new", args=["output-complaint"])


def png(name: str, size: int) -> SimpleUploadedFile:
    """A PNG (by its content) of `size` bytes."""
    return SimpleUploadedFile(name, PNG_BYTES + b"\0" * (size - len(PNG_BYTES)),
                              content_type="image/png")


def on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def session_stored(client) -> tuple[int, dict]:
    """The session as the server stores it: its size, and what it holds."""
    cookie = client.cookies.get("sessionid")
    row = Session.objects.filter(session_key=cookie.value).first() if cookie else None
    return (len(row.session_data), row.get_decoded()) if row else (0, {})


def log_in(client, user, next_url=URL):
    return client.post(f"{reverse('accounts:login')}?next={next_url}",
                       {"username": user.email, "password": "pw-for-tests-1",
                        "next": next_url}, follow=True)


def test_an_anonymous_post_stages_at_most_the_cap(client, settings):
    files = [png("a.png", 6 * MB), png("b.png", 6 * MB), png("c.png", MB), png("d.png", MB),
             png("e.png", MB), png("f.png", MB)]
    saved = []
    real_save = FileSystemStorage._save

    def spy(storage, name, content):
        saved.append(content.size)
        return real_save(storage, name, content)

    with mock.patch.object(FileSystemStorage, "_save", spy):
        response = send(client, URL, {**portal_data.output_complaint(), "evidence": files},
                        follow=True)
    # 3 files and 8 MB kept, of 6 files and 16 MB sent; nothing over the cap was written.
    assert len(on_disk(settings)) == 3
    assert sum(p.stat().st_size for p in on_disk(settings)) == 8 * MB
    assert sorted(saved) == [MB, MB, 6 * MB]
    assert sorted(StagedUpload.objects.values_list("original_name", flat=True)) == [
        "a.png", "c.png", "d.png"]
    html = response.content.decode()
    assert "Files kept with it: “a.png”, “c.png”, “d.png”." in html
    assert ("“b.png” was not kept: a form sent before you log in may keep at most 10.0\xa0MB "
            "of files in all.") in html
    assert "“e.png” was not kept: a form sent before you log in may keep at most 3 files." \
        in html
    assert "“f.png” was not kept" in html
    assert "Log in and you will find the form as you left it" in html


def test_the_message_is_in_japanese_too(client):
    client.cookies["django_language"] = "ja"
    files = [png(f"{n}.png", 1000) for n in "abcd"]
    response = send(client, URL, {**portal_data.output_complaint(), "evidence": files},
                    follow=True, HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert "「d.png」は保存していません" in html
    assert StagedUpload.objects.count() == 3


def test_the_session_holds_only_the_draft_id(client):
    for _ in range(5):
        typed = secrets.token_urlsafe(768 * 1024)  # 1 MB of text that does not compress
        response = send(client, URL, portal_data.output_complaint(similarity=typed),
                        follow=True)
    size, held = session_stored(client)
    assert size < 1024
    assert set(held) <= {"kotae_draft"}
    # 1 MB of text is over the cap for someone not logged in: said so, and not kept.
    assert "What you typed was not kept: it comes to 1.0\xa0MB" in response.content.decode()
    # A small form is kept, in the database, not in the session.
    send(client, URL, portal_data.output_complaint())
    size, held = session_stored(client)
    assert size < 1024
    assert set(held) == {"kotae_draft"}


@pytest.mark.parametrize("limits, refused", [
    ({"KOTAE_STAGED_BYTES_PER_DAY": 3500}, "g-2.png"),
    ({"KOTAE_STAGED_FILES_PER_DAY": 3}, "g-2.png"),
])
def test_an_account_stages_at_most_its_daily_allowance(client, creator, settings, limits,
                                                       refused, on_commit):
    for name, value in limits.items():
        setattr(settings, name, value)
    client.force_login(creator)
    first = send(client, URL, {**portal_data.output_complaint(signature=""),
                       "evidence": [png("f-1.png", 1000), png("f-2.png", 1000)]})
    assert first.status_code == 400
    # The case is filed with those two: its staged rows go, the day's allowance does not.
    staged = [str(s.public_id) for s in StagedUpload.objects.all()]
    with on_commit():
        send(client, URL, {**portal_data.output_complaint(), "staged": staged})
    assert Case.objects.get().evidence.count() == 2
    response = send(client, URL, {**portal_data.output_complaint(signature=""),
                          "evidence": [png("g-1.png", 1000), png("g-2.png", 1000)]})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"“{refused}” was not kept: files kept for forms not yet sent may come to at most" \
        in html
    assert "today&#x27;s are used up" in html
    assert StagedUpload.objects.count() == 1
    assert len(on_disk(settings)) == 3


def test_the_draft_survives_a_login(client, creator, on_commit):
    response = client.post(URL, {**portal_data.output_complaint(title="Kept over a login"),
                                 "evidence": [png("frame-0412.png", 2000)]})
    anonymous_key = client.cookies["sessionid"].value
    assert response.status_code == 302
    response = log_in(client, creator)
    assert client.cookies["sessionid"].value != anonymous_key  # the key rotated at login
    assert response.redirect_chain[-1][0] == URL
    html = response.content.decode()
    assert 'value="Kept over a login"' in html
    assert "Hoshizora Quest" in html
    assert "frame-0412.png" in html
    staged = StagedUpload.objects.get()
    assert staged.owner == creator
    assert f'name="staged" value="{staged.public_id}"' in html
    assert Case.objects.count() == 0
    with on_commit():
        send(client, URL, {**portal_data.output_complaint(title="Kept over a login"),
                           "staged": [str(staged.public_id)]})
    case = Case.objects.get()
    assert case.filer == creator and case.title == "Kept over a login"
    assert [e.original_name for e in case.evidence.all()] == ["frame-0412.png"]
    # Done with: the page is empty again.
    assert "Kept over a login" not in client.get(URL).content.decode()


def test_a_draft_is_never_shown_to_another_session_or_user(client, creator, other_creator):
    from django.test import Client

    send(client, URL, {**portal_data.output_complaint(title="Hanako's secret draft"),
               "evidence": [png("hanako.png", 2000)]})
    draft_id = session_stored(client)[1]["kotae_draft"]
    # Another browser, logged in, on the same page: nothing of it.
    other = Client()
    other.force_login(other_creator)
    html = other.get(URL).content.decode()
    assert "secret draft" not in html and "hanako.png" not in html
    # Hanako logs in and has it; the draft's id never reached her browser.
    html = log_in(client, creator).content.decode()
    assert written_back("Hanako's secret draft", html)  # in its form field
    assert draft_id not in html and draft_id not in str(client.cookies)
    # Even a session that somehow held its id does not get another user's draft.
    session = other.session
    session["kotae_draft"] = draft_id
    session.save()
    html = other.get(URL).content.decode()
    assert "secret draft" not in html and "hanako.png" not in html
    other.post(URL, portal_data.output_complaint(signature=""))
    assert written_back("Hanako's secret draft", client.get(URL).content.decode())
    assert StagedUpload.objects.get(original_name="hanako.png").owner == creator


def test_a_path_no_filing_page_has_keeps_nothing_and_never_fails(client, creator):
    from complaints.models import FilingDraft

    send(client, URL, portal_data.output_complaint(title="Kept"))
    long_path = reverse("complaints:case_new", args=["x" * 300])
    response = send(client, long_path, portal_data.output_complaint(title="Not kept"))
    assert response.status_code == 302
    assert [d.data["title"] for d in FilingDraft.objects.all()] == [["Kept"]]
    assert client.get(response["Location"]).status_code == 200
    assert 'value="Kept"' in log_in(client, creator).content.decode()
