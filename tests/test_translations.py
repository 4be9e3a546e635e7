"""Japanese everywhere a person reads: a complete catalogue, used by the pages."""
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

PO = Path(__file__).resolve().parents[1] / "locale/ja/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_translations_keep_their_placeholders():
    for entry in polib.pofile(str(PO)):
        # Japanese has one plural form, which carries the plural's placeholders.
        source = entry.msgid_plural or entry.msgid
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(set(PLACEHOLDER.findall(source))) == sorted(
            set(PLACEHOLDER.findall(translated))), entry.msgid


@pytest.mark.django_db
def test_pages_speak_japanese_to_a_japanese_browser(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in html
    assert "申立て" in html
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ログイン" in html


# "Under penalty of perjury" in one legal Japanese rendering wherever it is said.
PERJURY = "偽証罪の制裁を受けることを認識したうえで"


def test_penalty_of_perjury_has_one_japanese_rendering():
    said = [e for e in polib.pofile(str(PO)) if "penalty of perjury" in e.msgid.lower()]
    assert len(said) >= 3
    for entry in said:
        assert PERJURY in entry.msgstr, entry.msgid
        # no second rendering beside it
        assert entry.msgstr.count("偽証罪") == entry.msgstr.count(PERJURY), entry.msgid
