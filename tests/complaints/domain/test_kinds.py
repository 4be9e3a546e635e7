"""Every kind of case has its name for running text, in both languages."""
from django.utils import translation

from complaints.domain.kinds import IN_A_SENTENCE, kind_in_a_sentence
from complaints.models import CaseKind


def test_every_kind_has_a_name_for_running_text():
    assert set(IN_A_SENTENCE) == set(CaseKind.values)
    with translation.override("ja"):
        assert [kind_in_a_sentence(k) for k in CaseKind.values] == [
            "侵害申立て", "学習利用停止の申出", "お問い合わせ", "不服申立て"]
    with translation.override("en"):
        assert kind_in_a_sentence("inquiry") == "inquiry"


def test_a_kind_without_one_is_still_words():
    with translation.override("ja"):
        assert kind_in_a_sentence("counter_notice") == "ケース"
