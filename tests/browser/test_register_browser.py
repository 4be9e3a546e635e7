"""The training-use register in a real browser: the desk confirms and applies an entry
from its page, the filer reads the result on the case page and in the mailbox, and
screenshots of both sides for a person to judge (saved under /tmp/shots/ too)."""
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from complaints.models import RegisterEntry
from complaints.services.cases import WorkData
from complaints.services.register import (
    register_entries_confirm,
    register_entries_not_possible,
    register_permission_record,
)
from tests.browser.helpers import log_in, wait_for_mail
from tests.factories import file_case

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
SHOTS = Path("/tmp/shots")


def picture() -> SimpleUploadedFile:
    image = Image.linear_gradient("L").convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 140, 160), fill=(200, 30, 30))
    draw.rectangle((150, 100, 230, 220), fill=(20, 60, 180))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("key-visual.png", out.getvalue(), content_type="image/png")


def save(page, artifacts_dir, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for folder in (artifacts_dir, SHOTS):
        page.screenshot(path=str(folder / name), full_page=True)


def test_desk_applies_an_entry_and_the_filer_sees_it(new_page, live_server, transactional_db,
                                                     artifacts_dir, creator, operator):
    case = file_case(
        filer=creator, kind="training_objection", title="Do not train on Studio Hoshizora",
        ai_product="", similarity="", remedies=[], locations=[],
        training_uses=["training", "style_imitation"], whole_catalogue=True, uploads=[picture()],
        catalogue_identifiers="https://www.hoshizora.example/\nhoshizora-shop.example\n"
                              "Hoshizora Quest",
        works=[WorkData(title="Hoshizora Quest", kind="anime", rights_holder="Studio Hoshizora",
                        identifier="https://hoshizora.example/quest"),
               WorkData(title="Hoshizora Quest: The Movie", kind="film"),
               WorkData(title="Hoshizora Art Book", kind="illustration")])
    catalogue, quest, movie, book = case.register_entries.all()
    register_entries_confirm(entry_ids=[book.pk], actor=operator)
    register_entries_not_possible(
        entry_ids=[movie.pk], actor=operator,
        reason="The film is licensed to us by its distributor for training until 2027.")
    register_permission_record(actor=operator, rights_holder="Studio Kumo", scope="work",
                               title="Kumo Diaries", uses=["training"],
                               identifiers="kumo.example")

    desk = new_page(viewport={"width": 1440, "height": 900})
    log_in(desk, operator.email)
    desk.goto(f"/admin/complaints/registerentry/{catalogue.pk}/change/")
    desk.get_by_role("button", name="Confirm the entry", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("the filer gets a receipt")
    desk.get_by_label("Dataset snapshot").fill("ds-2026-11-30")
    desk.get_by_role("button", name="Mark applied", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("recorded as applied")
    wait_for_mail(lambda m: "entry is applied" in m.subject and creator.email in m.to)

    desk.goto("/admin/complaints/registerentry/")
    expect(desk.locator("#result_list tbody tr")).to_have_count(5)
    save(desk, artifacts_dir, "register-desk-list-1440.png")
    desk.goto(f"/admin/complaints/registerentry/{quest.pk}/change/")
    expect(desk.get_by_role("button", name="Confirm the entry", exact=True)).to_be_visible()
    save(desk, artifacts_dir, "register-desk-entry-1440.png")
    desk.goto(f"/admin/complaints/case/{case.pk}/change/")
    expect(desk.get_by_role("region", name="Training-use register")).to_be_visible()
    save(desk, artifacts_dir, "register-desk-case-1440.png")

    portal = new_page(viewport={"width": 1280, "height": 900})
    log_in(portal, creator.email)
    portal.goto(f"/cases/{case.reference}/")
    section = portal.get_by_role("region", name="Training-use register")
    expect(section.locator(".register-entry")).to_have_count(4)
    expect(section).to_contain_text("Applied from dataset snapshot ds-2026-11-30 on")
    expect(section).to_contain_text("Not possible: The film is licensed to us")
    expect(section).to_contain_text(re.compile(r"Confirmed on \d"))
    expect(section).to_contain_text("Received on")
    section.scroll_into_view_if_needed()
    save(portal, artifacts_dir, "register-filer-case-1280.png")
    section.screenshot(path=str(SHOTS / "register-filer-section-1280.png"))
    narrow = new_page(viewport={"width": 390, "height": 844})
    log_in(narrow, creator.email)
    narrow.goto(f"/cases/{case.reference}/#register")
    narrow.get_by_role("region", name="Training-use register").screenshot(
        path=str(SHOTS / "register-filer-section-390.png"))
    assert RegisterEntry.objects.get(pk=catalogue.pk).status == "applied"
