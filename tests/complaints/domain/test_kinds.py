"""Every kind of case has its name for running text, in both languages."""
from django.utils import translation

from complaints.domain.kinds import IN_A_SENTENCE, kind_in_a_sentence
from complaints.models import CaseKind


def test_every_kind_has_a_name_for_running_text():
    assert set(IN_A_SENTENCE) == set(CaseKind.values)
    with translation.override("ja"):
        assert [kind_in_a_sentence(k) for k in CaseKind.values] == [
            "侵害申立て", "学習利用停止の申出", "お問い合わせ", "不服申立て", "異議申立て"]
    with translation.override("en"):
        assert kind_in_a_sentence("inquiry") == "inquiry"


def test_a_kind_without_one_is_still_words():
    with translation.override("ja"):
        assert kind_in_a_sentence("notice_of_something_new") == "ケース"


def test_every_kind_has_its_filing_rules_each_with_its_message():
    from complaints.domain.kinds import FILINGS, MISSING

    assert set(FILINGS) == set(CaseKind.values)
    for rules in FILINGS.values():
        assert set(rules.required) | set(rules.statements) <= set(MISSING)
        assert rules.works in ("required", "optional", "unless_catalogue")


def test_a_whole_catalogue_stands_for_the_works_of_an_objection():
    from complaints.domain.kinds import filing_errors
    from complaints.services.cases import CaseDraft

    draft = CaseDraft(kind="training_objection", title="Do not train on us",
                      training_uses=["training"], good_faith_statement=True,
                      accuracy_statement=True, signature="Hanako Yamada")
    with translation.override("en"):
        assert filing_errors(draft) == {"works": ["Name at least one of your works."]}
        draft.whole_catalogue, draft.catalogue_identifiers = True, "hoshizora.example"
        assert filing_errors(draft) == {}
