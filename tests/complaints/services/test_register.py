"""The training-use register: entries from objections, their steps and e-mails, the
filer's view of them, and the desk's list and pages."""
import io

import imagehash
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from complaints.models import CaseEvent, Notification, RegisterEntry
from complaints.services.cases import WorkData
from complaints.services.register import (
    identifiers_parse,
    register_entries_apply,
    register_entries_confirm,
    register_entries_not_possible,
    register_permission_record,
)
from tests.factories import UserFactory, file_case, png_upload, staff_user

pytestmark = pytest.mark.django_db
REGISTER = reverse("admin:complaints_registerentry_changelist")
Status = RegisterEntry.Status


def objection(filer=None, uploads=(), **overrides):
    values = dict(
        kind="training_objection", title="Do not train on Studio Hoshizora",
        ai_product="", ai_model="", similarity="", remedies=[], locations=[],
        training_uses=["training", "style_imitation"],
        works=[WorkData(title="Hoshizora Quest", kind="anime",
                        rights_holder="Studio Hoshizora",
                        identifier="https://www.hoshizora.example/quest"),
               WorkData(title="Hoshizora Quest II", kind="anime")],
    )
    values.update(overrides)
    return file_case(filer=filer, uploads=uploads, **values)


def picture_upload(name="still.png") -> SimpleUploadedFile:
    """A real picture (a gradient and three shapes), so its pHash means something."""
    image = Image.linear_gradient("L").convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 140, 160), fill=(200, 30, 30))
    draw.rectangle((150, 100, 230, 220), fill=(20, 60, 180))
    draw.polygon([(10, 240), (120, 180), (200, 250)], fill=(240, 220, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def ids(entries):
    return [e.pk for e in entries]


# --- Entries made when an objection is filed ------------------------------------------------

def test_one_entry_per_listed_work_with_its_identifiers(creator):
    case = objection(filer=creator)
    first, second = RegisterEntry.objects.filter(case=case).order_by("pk")
    assert (first.kind, first.status, first.scope) == ("reservation", "received", "work")
    assert first.title == "Hoshizora Quest" and first.rights_holder == "Studio Hoshizora"
    assert first.urls == ["https://www.hoshizora.example/quest"]
    assert first.domains == ["hoshizora.example"]
    assert first.titles == ["Hoshizora Quest"]
    assert first.uses == ["training", "style_imitation"]
    assert first.work.title == "Hoshizora Quest"
    # No rights holder on the work: the filer is the rights holder.
    assert second.rights_holder == "Hanako Yamada" and second.urls == []
    assert CaseEvent.objects.filter(case=case, event_type="register_entries_received",
                                    new_value={"entries": 2}).exists()


def test_whole_catalogue_entry_sorts_urls_domains_and_titles(creator):
    case = objection(filer=creator, whole_catalogue=True, works=[],
                     filed_as="agent", principal_name="Studio Hoshizora",
                     authority_statement="Our members' mandate.",
                     catalogue_identifiers="https://www.hoshizora.example/works?page=2\n"
                                           "HOSHIZORA-shop.example\n\n"
                                           "Hoshizora Quest\nVol.2\n星空.example\n"
                                           "hoshizora.example/gallery")
    (entry,) = RegisterEntry.objects.filter(case=case)
    assert entry.scope == "catalogue" and entry.title == ""
    assert entry.rights_holder == "Studio Hoshizora"  # the principal, not the agent
    assert entry.urls == ["https://www.hoshizora.example/works?page=2",
                          "hoshizora.example/gallery"]
    assert entry.domains == ["hoshizora.example", "hoshizora-shop.example", "星空.example"]
    assert entry.titles == ["Hoshizora Quest", "Vol.2"]
    assert entry.subject == "The whole catalogue of Studio Hoshizora"


def test_whole_catalogue_plus_listed_works(creator):
    case = objection(filer=creator, whole_catalogue=True,
                     catalogue_identifiers="hoshizora.example")
    scopes = list(RegisterEntry.objects.filter(case=case).order_by("pk")
                  .values_list("scope", "title"))
    assert scopes == [("catalogue", ""), ("work", "Hoshizora Quest"),
                      ("work", "Hoshizora Quest II")]


def test_reference_images_get_a_perceptual_hash_and_other_files_are_skipped(creator):
    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj <<>> endobj\n",
                             content_type="application/pdf")
    broken = SimpleUploadedFile("broken.png", png_upload().read()[:40] + b"\x00" * 40,
                                content_type="image/png")
    case = objection(filer=creator, uploads=[picture_upload(), pdf, broken, png_upload()])
    assert case.evidence.count() == 4  # every file kept as evidence
    entry = RegisterEntry.objects.filter(case=case).first()
    expected = str(imagehash.phash(Image.open(picture_upload())))
    assert expected in entry.image_hashes
    assert len(expected) == 16 and int(expected, 16) > 0
    # Only the picture: the PDF is no image, and neither the damaged PNG nor the factory's
    # stub PNG can be decoded (each is skipped, and the filing goes through).
    assert entry.image_hashes == [expected]


def test_other_kinds_make_no_entries(creator):
    file_case(filer=creator)
    assert not RegisterEntry.objects.exists()


def test_identifiers_parse_keeps_titles_with_dots_and_spaces():
    found = identifiers_parse(lines=["Dr. STONE", "ftp://", "mailto:a@b.example", "  "])
    assert found.titles == ["Dr. STONE", "ftp://", "mailto:a@b.example"]
    assert found.urls == [] and found.domains == []


# --- Steps and e-mails ----------------------------------------------------------------------

def test_confirm_sends_one_receipt_even_when_confirmed_twice(creator, operator, on_commit):
    case = objection(filer=creator)
    entries = list(case.register_entries.all())
    mail.outbox.clear()
    with on_commit():
        changed = register_entries_confirm(entry_ids=ids(entries), actor=operator)
    assert len(changed) == 2
    assert len(mail.outbox) == 1  # one receipt for the case's two entries
    receipt = mail.outbox[0]
    assert receipt.to == [creator.email] and case.reference in receipt.subject
    assert "We have confirmed these 2 entries of your case" in receipt.body
    assert "Hoshizora Quest II" in receipt.body
    assert "Confirmed on" in receipt.body
    with on_commit():
        again = register_entries_confirm(entry_ids=ids(entries), actor=operator)
        register_entries_confirm(entry_ids=ids(entries[:1]), actor=operator)
    assert again == [] and len(mail.outbox) == 1
    entry = RegisterEntry.objects.get(pk=entries[0].pk)
    assert entry.status == "confirmed" and entry.confirmed_at and entry.changed_by == operator
    event = CaseEvent.objects.get(case=case, event_type="register_entry_confirmed",
                                  new_value__entry=entry.pk)
    assert event.actor == operator and event.old_value == {"status": "received"}


def test_receipt_in_the_filers_language(operator, on_commit):
    filer = UserFactory(language="ja")
    case = objection(filer=filer)
    mail.outbox.clear()
    with on_commit():
        register_entries_confirm(entry_ids=ids(case.register_entries.all()), actor=operator)
    notification = Notification.objects.get(case=case, kind="register_confirmed")
    assert notification.language == "ja"
    assert mail.outbox[0].alternatives  # plain text and HTML


def test_applied_needs_a_snapshot_and_sends_the_fulfilment_notice(creator, operator,
                                                                   on_commit):
    case = objection(filer=creator, works=[WorkData(title="Hoshizora Quest", kind="anime")])
    (entry,) = case.register_entries.all()
    with pytest.raises(ValidationError) as error:
        register_entries_apply(entry_ids=[entry.pk], actor=operator, snapshot="  ")
    assert "snapshot" in error.value.message_dict
    register_entries_confirm(entry_ids=[entry.pk], actor=operator)
    mail.outbox.clear()
    with on_commit():
        register_entries_apply(entry_ids=[entry.pk], actor=operator, snapshot="ds-2026-11-30")
        register_entries_apply(entry_ids=[entry.pk], actor=operator, snapshot="ds-later")
    entry.refresh_from_db()
    assert entry.status == "applied" and entry.snapshot == "ds-2026-11-30"
    assert entry.applied_at >= entry.confirmed_at
    assert len(mail.outbox) == 1
    assert "ds-2026-11-30" in mail.outbox[0].body
    assert "the record that your objection has been carried out" in mail.outbox[0].body
    assert CaseEvent.objects.filter(case=case, event_type="register_entry_applied",
                                    new_value__snapshot="ds-2026-11-30").count() == 1


def test_applying_a_received_entry_confirms_it_first(creator, operator, on_commit):
    case = objection(filer=creator, works=[WorkData(title="Hoshizora Quest", kind="anime")])
    (entry,) = case.register_entries.all()
    mail.outbox.clear()
    with on_commit():
        register_entries_apply(entry_ids=[entry.pk], actor=operator, snapshot="ds-1")
    entry.refresh_from_db()
    assert entry.status == "applied" and entry.confirmed_at is not None
    kinds = set(Notification.objects.filter(case=case).values_list("kind", flat=True))
    assert {"register_confirmed", "register_applied"} <= kinds
    assert len(mail.outbox) == 2


def test_not_possible_needs_a_reason_and_tells_the_filer(creator, operator, on_commit):
    case = objection(filer=creator)
    first, second = case.register_entries.all()
    register_entries_apply(entry_ids=[second.pk], actor=operator, snapshot="ds-1")
    with pytest.raises(ValidationError) as error:
        register_entries_not_possible(entry_ids=[first.pk], actor=operator, reason=" ")
    assert "reason" in error.value.message_dict
    mail.outbox.clear()
    with on_commit():
        changed = register_entries_not_possible(
            entry_ids=[first.pk, second.pk], actor=operator,
            reason="The model was trained before the objection; it cannot be untrained.")
    assert ids(changed) == [first.pk]  # the applied entry is left as it was
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "not_possible" and second.status == "applied"
    assert len(mail.outbox) == 1 and "cannot be untrained" in mail.outbox[0].body


def test_a_permission_recorded_by_the_desk(operator):
    with pytest.raises(ValidationError) as error:
        register_permission_record(actor=operator, rights_holder="", scope="catalogue",
                                   uses=[], identifiers="")
    assert set(error.value.message_dict) == {"rights_holder", "identifiers", "uses"}
    entry = register_permission_record(
        actor=operator, rights_holder="Studio Kumo", scope="catalogue", uses=["training"],
        identifiers="kumo.example\nhttps://kumo.example/licence")
    assert (entry.kind, entry.status, entry.case) == ("permission", "confirmed", None)
    assert entry.domains == ["kumo.example"] and entry.confirmed_at
    assert not Notification.objects.exists()


# --- The filer's case page ----------------------------------------------------------------

def test_the_filer_sees_each_entry_and_its_status(client, creator, operator):
    case = objection(filer=creator, works=[
        WorkData(title="Hoshizora Quest", kind="anime"),
        WorkData(title="Hoshizora Quest II", kind="anime"),
        WorkData(title="Hoshizora Movie", kind="film"),
        WorkData(title="Hoshizora Art Book", kind="illustration")])
    quest, sequel, movie, _book = case.register_entries.all()
    register_entries_confirm(entry_ids=[sequel.pk], actor=operator)
    register_entries_apply(entry_ids=[quest.pk], actor=operator, snapshot="ds-2026-11-30")
    register_entries_not_possible(entry_ids=[movie.pk], actor=operator,
                                  reason="The film is licensed to us by its distributor.")
    client.force_login(creator)
    html = client.get(reverse("complaints:case_detail", args=[case.reference])
                      ).content.decode()
    assert "Training-use register" in html
    assert "Applied from dataset snapshot ds-2026-11-30 on" in html
    assert "Confirmed on" in html
    assert "Not possible: The film is licensed to us by its distributor." in html
    assert "Received on" in html and "not confirmed yet" in html
    assert html.count('class="register-entry ') == 4


def test_another_filer_sees_nothing_of_the_entries(client, creator, other_creator):
    case = objection(filer=creator)
    client.force_login(other_creator)
    assert client.get(reverse("complaints:case_detail", args=[case.reference])
                      ).status_code == 404
    own = file_case(filer=other_creator)
    html = client.get(reverse("complaints:case_detail", args=[own.reference])).content.decode()
    assert "Training-use register" not in html and 'class="register-entry' not in html


# --- The desk -------------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [5, 50])
def test_register_list_costs_the_same_queries_at_5_and_50_rows(
        client, operator, rows, django_assert_num_queries):
    filer = UserFactory()
    while RegisterEntry.objects.count() < rows:
        objection(filer=filer, works=[WorkData(title=f"Work {i}", kind="anime")
                                      for i in range(5)])
    register_entries_confirm(entry_ids=RegisterEntry.objects.values_list("pk", flat=True)[:3],
                             actor=operator)
    client.force_login(operator)
    client.get(REGISTER)
    # The session with its user, the permissions with the groups (one query each:
    # accounts/sessions.py, accounts/backends.py), then the list's own.
    with django_assert_num_queries(4):
        html = client.get(REGISTER).content.decode()
    assert html.count('class="field-status_badge"') == rows
    with django_assert_num_queries(4):
        html = client.get(REGISTER, {"status": "received", "use": "training", "q": "Work"}
                          ).content.decode()
    assert html.count('class="field-status_badge"') == rows - 3


def test_register_list_filters_and_search(client, operator):
    case = objection(filer=UserFactory())
    other = objection(filer=UserFactory(), training_uses=["retrieval"],
                      works=[WorkData(title="Kumo Diaries", kind="manga",
                                      identifier="kumo.example")])
    client.force_login(operator)

    def shown(**params):
        html = client.get(REGISTER, params).content.decode()
        return html.count('class="field-status_badge"')

    assert shown() == 3
    assert shown(use="retrieval") == 1 and shown(use="style_imitation") == 2
    assert shown(q="kumo.example") == 1
    assert shown(q=case.reference) == 2 and shown(q=other.reference.lower()) == 1
    assert shown(q="hoshizora.example") == 1
    assert shown(use="nonsense") == 3  # an unknown value filters nothing


def test_desk_actions_confirm_apply_and_refuse(client, operator, on_commit):
    filer = UserFactory()
    case = objection(filer=filer)
    first, second = case.register_entries.all()
    client.force_login(operator)
    mail.outbox.clear()
    with on_commit():
        response = client.post(REGISTER, {"action": "confirm_entries",
                                          ACTION_CHECKBOX_NAME: [first.pk, second.pk]})
    assert response.status_code == 302 and len(mail.outbox) == 1
    page = client.post(REGISTER, {"action": "apply_entries", ACTION_CHECKBOX_NAME: [first.pk]})
    assert page.status_code == 200 and "Dataset snapshot" in page.content.decode()
    page = client.post(REGISTER, {"action": "apply_entries", ACTION_CHECKBOX_NAME: [first.pk],
                                  "apply": "1", "snapshot": ""})
    assert "This field is required" in page.content.decode()
    with on_commit():
        client.post(REGISTER, {"action": "apply_entries", ACTION_CHECKBOX_NAME: [first.pk],
                               "apply": "1", "snapshot": "ds-9"})
        response = client.post(REGISTER, {"action": "not_possible_entries",
                                          ACTION_CHECKBOX_NAME: [first.pk, second.pk],
                                          "apply": "1", "reason": "Licensed to us."},
                               follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.snapshot) == ("applied", "ds-9")
    assert (second.status, second.reason) == ("not_possible", "Licensed to us.")
    assert "already past that step" in response.content.decode()
    assert [m.subject.split("] ")[1].split(" (")[0] for m in mail.outbox] == [
        "Your 2 training-use register entries are confirmed",
        "Your training-use register entry is applied",
        "A register entry we cannot carry out"]


def test_entry_page_steps(client, operator, on_commit):
    case = objection(filer=UserFactory(), works=[WorkData(title="Hoshizora Quest",
                                                          kind="anime")])
    (entry,) = case.register_entries.all()
    client.force_login(operator)
    page = client.get(reverse("admin:complaints_registerentry_change", args=[entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm the entry" in html and 'name="_save"' not in html
    step = reverse("admin:complaints_registerentry_step", args=[entry.pk, "confirm"])
    assert client.get(step).status_code == 302  # a GET changes nothing
    entry.refresh_from_db()
    assert entry.status == "received"
    with on_commit():
        client.post(step)
        client.post(reverse("admin:complaints_registerentry_step",
                            args=[entry.pk, "apply"]), {"snapshot": ""})
    entry.refresh_from_db()
    assert entry.status == "confirmed"  # no snapshot, no change
    client.post(reverse("admin:complaints_registerentry_step", args=[entry.pk, "apply"]),
                {"snapshot": "ds-7"})
    entry.refresh_from_db()
    assert (entry.status, entry.snapshot) == ("applied", "ds-7")
    assert "Confirm the entry" not in client.get(
        reverse("admin:complaints_registerentry_change", args=[entry.pk])).content.decode()


def test_operator_adds_a_permission_in_the_admin(client, operator):
    client.force_login(operator)
    add = reverse("admin:complaints_registerentry_add")
    assert client.get(add).status_code == 200
    page = client.post(add, {"rights_holder": "Studio Kumo", "scope": "work", "title": "",
                             "identifiers": "", "uses": ["training"]})
    assert page.status_code == 200 and "Give the title of the work." in page.content.decode()
    response = client.post(add, {"rights_holder": "Studio Kumo", "scope": "work",
                                 "title": "Kumo Diaries", "identifiers": "kumo.example",
                                 "uses": ["training", "fine_tuning"]})
    assert response.status_code == 302
    entry = RegisterEntry.objects.get()
    assert (entry.kind, entry.status, entry.title) == ("permission", "confirmed", "Kumo Diaries")
    assert entry.domains == ["kumo.example"] and entry.changed_by == operator


def test_no_one_deletes_an_entry_and_creators_have_no_way_in(client, operator, creator):
    case = objection(filer=creator)
    entry = case.register_entries.first()
    client.force_login(operator)
    assert client.post(reverse("admin:complaints_registerentry_delete", args=[entry.pk])
                       ).status_code == 403
    client.force_login(creator)
    assert client.get(REGISTER).status_code == 302  # to the admin's login
    step = reverse("admin:complaints_registerentry_step", args=[entry.pk, "confirm"])
    client.post(step)
    entry.refresh_from_db()
    assert entry.status == "received"


def test_the_desk_case_page_lists_the_entries(client, operator):
    case = objection(filer=UserFactory())
    client.force_login(operator)
    html = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    assert "Training-use register" in html and "Open these entries in the register" in html
    assert f"?q={case.reference}" in html


def test_a_supervisor_too(client):
    supervisor = staff_user(role="supervisor")
    client.force_login(supervisor)
    assert client.get(REGISTER).status_code == 200


# --- Found in review: endings, huge images, big selections, the admin's history ------------
def test_a_withdrawn_or_rejected_objection_no_longer_binds_the_pipeline(client, creator,
                                                                        operator):
    from complaints.domain.status import Status as CaseStatus
    from complaints.selectors.register import register_export_lines
    from complaints.services.cases import case_transition, case_withdraw

    withdrawn = objection(filer=creator)
    register_entries_confirm(entry_ids=ids(withdrawn.register_entries.all()), actor=operator)
    case_withdraw(case=withdrawn, actor=creator, reason="Settled with the company.")
    rejected = objection(filer=creator)
    case_transition(case=rejected, target=CaseStatus.REJECTED, actor=operator,
                    reason="Not the rights holder.")
    kept = objection(filer=creator)

    by_case = {}
    for entry in RegisterEntry.objects.all():
        by_case.setdefault(entry.case_id, set()).add((entry.status, entry.reason))
    assert by_case[withdrawn.pk] == {
        ("closed", "The filer withdrew the objection. Settled with the company.")}
    assert by_case[rejected.pk] == {
        ("closed", "The objection was rejected. Not the rights holder.")}
    assert by_case[kept.pk] == {("received", "")}
    assert CaseEvent.objects.filter(case=rejected, event_type="register_entry_closed",
                                    public=False).count() == 2
    exported = "".join(register_export_lines(fmt="jsonl", updated_since=None))
    assert exported.count('"status":"closed"') == 4
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[withdrawn.reference]))
    assert "No longer in force: The filer withdrew the objection." in page.content.decode()


def test_a_huge_image_is_not_decoded_for_its_hash(creator):
    from complaints.services.register import MAX_HASH_PIXELS

    side = int(MAX_HASH_PIXELS ** 0.5) + 100
    out = io.BytesIO()
    Image.new("L", (side, side)).save(out, "PNG")  # a few kB that would decode to ~15 MP
    case = objection(filer=creator, uploads=[
        SimpleUploadedFile("huge.png", out.getvalue(), content_type="image/png"),
        picture_upload()])
    assert case.evidence.count() == 2  # kept as evidence, only not hashed
    hashes = {tuple(e.image_hashes) for e in case.register_entries.all()}
    assert hashes == {(str(imagehash.phash(Image.open(picture_upload()))),)}


def test_the_rights_holder_is_never_the_filers_e_mail(operator):
    filer = UserFactory(display_name="")
    case = objection(filer=filer, whole_catalogue=True, catalogue_identifiers="kumo.example",
                     works=[])
    entry = case.register_entries.get()
    assert filer.email not in entry.rights_holder


def test_a_selection_too_big_for_one_form_is_refused_with_a_message(client, operator):
    RegisterEntry.objects.bulk_create(
        RegisterEntry(kind="permission", status="confirmed", scope="work",
                      rights_holder="Studio Kumo", title=f"Work {n}", uses=["training"])
        for n in range(501))
    client.force_login(operator)
    response = client.post(REGISTER, {"action": "apply_entries", "select_across": "1",
                                      "index": "0", ACTION_CHECKBOX_NAME: ["1"]},
                           follow=True)
    assert "Choose at most 500 entries at a time" in response.content.decode()
    assert not RegisterEntry.objects.filter(status="applied").exists()


def test_each_step_is_in_the_entry_s_history_with_who_took_it(client, operator):
    from django.contrib.admin.models import LogEntry

    entry = register_permission_record(actor=operator, rights_holder="Studio Kumo",
                                       scope="work", uses=["training"], title="Kumo Diaries")
    client.force_login(operator)
    client.post(reverse("admin:complaints_registerentry_step", args=[entry.pk, "apply"]),
                {"snapshot": "ds-2026-12"})
    log = LogEntry.objects.get(object_id=str(entry.pk))
    assert log.user == operator and "status" in log.get_change_message()
    # A NUL in the search is refused with a page that says why (config/middleware.py).
    refused = client.get(REGISTER, {"q": "\x00Kumo"})
    assert refused.status_code == 400 and "NUL character" in refused.content.decode()
