"""The e-mails of a counter-notice, written through their services with what a Japanese
owner and complainant would enter (see writers.py): the owner's receipt, the copy to the
complainant, the restore told to both, and a court action told to the owner."""
from datetime import date, timedelta

from django.utils import timezone

from complaints.models import CounterNotice, Notification, OutputOwner
from complaints.services.counter_notices import (
    CounterNoticeData,
    counter_notice_restore_due,
    counter_notice_submit,
    court_action_report,
)
from complaints.services.decisions import decision_record
from tests.factories import file_case


def _sent(creator, operator) -> CounterNotice:
    complaint = file_case(filer=creator, title="星空クエストの主人公が再現されている",
                          similarity="キャラクターが同一です。")
    complaint.law = "us_dmca"
    complaint.save(update_fields=["law"])
    owner = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-7",
                                       email="mika@example.jp", language="ja")
    complaint.locations.update(owner=owner)
    decision_record(case=complaint, decided_by=operator, outcome="upheld",
                    actions=["output_removed"],
                    facts="生成物の12〜13コマ目が原作と一致しています。",
                    ground="米国著作権法第512条(c)", automated_means=False)
    case = counter_notice_submit(owner=owner, complaint=complaint, data=CounterNoticeData(
        locations=[complaint.locations.get().pk], full_name="田中 美香",
        postal_address="東京都渋谷区神南1-2-3", outside_us=True, phone="03-1234-5678",
        email="mika@example.jp", mistake_statement=True, jurisdiction_consent=True,
        signature="田中 美香", language="ja"))
    return CounterNotice.objects.get(case=case)


def counter_notice_receipt(creator, operator):
    return Notification.objects.get(case=_sent(creator, operator).case, kind="case_receipt")


def counter_notice_copy(creator, operator):
    return Notification.objects.get(case=_sent(creator, operator).complaint,
                                    kind="counter_notice_copy")


def _restored(creator, operator) -> CounterNotice:
    notice = _sent(creator, operator)
    Notification.objects.filter(kind="counter_notice_copy").update(sent_at=timezone.now())
    counter_notice_restore_due(deadline_id=notice.case.deadlines.get(clock="restore").pk,
                               now=timezone.now() + timedelta(days=30))
    return notice


def restored_to_the_owner(creator, operator):
    return Notification.objects.get(case=_restored(creator, operator).case,
                                    kind="counter_notice_restored")


def restored_to_the_complainant(creator, operator):
    return Notification.objects.get(case=_restored(creator, operator).complaint,
                                    kind="output_restored")


def court_action_to_the_owner(creator, operator):
    notice = _sent(creator, operator)
    court_action_report(complaint=notice.complaint, actor=creator,
                        court="カリフォルニア州北部地区連邦地方裁判所", case_number="26-1234",
                        filed_on=date(2026, 11, 20))
    return Notification.objects.get(kind="counter_notice_court_action")


COUNTER_NOTICE_WRITERS = {
    "counter_notice_copy": [counter_notice_copy],
    "counter_notice_restored": [restored_to_the_owner],
    "output_restored": [restored_to_the_complainant],
    "counter_notice_court_action": [court_action_to_the_owner],
}
