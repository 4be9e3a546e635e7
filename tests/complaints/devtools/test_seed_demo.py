"""The demo that `make run` seeds on every start: the logins it prints, a demo clock that
comes due minutes later, a second start that changes nothing a person could see, and a
transparency history that is finished, in the past, made once, and whose training
objections left the register where the desk would have taken them.

Making the demo (the history above all) takes seconds, so the first start is made once for
the module (`first_start`): every test here begins just after it, and what a test changes
(a sweep, a second start) is undone after it."""
import hashlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, User
from complaints.devtools.management.commands.seed_demo import DEMO_CANNED, DEMO_CANNED_BEFORE
from complaints.devtools.management.commands.seed_transparency_demo import (
    LATEST_STEP,
    snapshot_after,
)
from complaints.domain.business_time import CalendarSpec
from complaints.models import (
    CannedResponse,
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Notification,
    Question,
    RegisterEntry,
    TransparencySnapshot,
)
from complaints.services.deadlines import calendar_default
from complaints.services.desk import canned_for_case
from complaints.services.sweep import deadlines_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_start")]


@pytest.fixture(scope="module")
def first_start(shared_rows):
    """`make run`'s first start on an empty database, seed_demo with DEBUG on (it makes the
    transparency history too); the value is what it printed."""
    def seed_demo() -> str:
        out = io.StringIO()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=out)
        return out.getvalue()

    with shared_rows(seed_demo) as printed:
        yield printed


def tables() -> dict[str, tuple[int, str]]:
    """Every complaints and accounts table (many-to-many ones too): its row count and a
    digest of all its rows, so that a changed value shows as well as a new row."""
    state = {}
    for label in ("complaints", "accounts"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            fields = [f.attname for f in meta.concrete_fields
                      if not (meta.auto_created and f.primary_key)]
            rows = sorted(repr(row) for row in model.objects.values_list(*fields))
            state[meta.db_table] = (len(rows),
                                    hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


def test_seed_demo_sets_a_clock_that_comes_due_minutes_later(first_start, on_commit):
    """What `make run` shows: a warning to the desk after about two minutes, then the
    breach and the filer's late notice (in Japanese) after about four."""
    out = first_start
    case = Case.objects.filter(status="submitted").order_by("pk").first()
    assert f"Demo clock: {case.reference} warns" in out
    clock = case.deadlines.get(clock="first_response")
    now = timezone.now()
    assert now < clock.warn_at <= now + timedelta(minutes=2)
    assert clock.warn_at < clock.due_at <= now + timedelta(minutes=4)
    with on_commit():
        deadlines_sweep(now=now + timedelta(minutes=2, seconds=30))
    assert {m.to[0] for m in mail.outbox} == {"operator@example.com", "supervisor@example.com"}
    mail.outbox.clear()
    with on_commit():
        deadlines_sweep(now=now + timedelta(minutes=4, seconds=30))
    late = [m for m in mail.outbox if m.to == ["creator@example.com"]]
    assert len(late) == 1 and case.reference in late[0].subject
    # The filer's language, rendered at delivery.
    assert "ご回答するとお約束しておりましたが" in late[0].body


def test_seed_demo_is_idempotent(first_start, settings, capsys):
    settings.DEBUG = True
    first = first_start
    call_command("seed_demo")
    second = capsys.readouterr().out

    def logins(out):
        return [line for line in out.splitlines() if not line.startswith("Demo clock")]

    assert logins(first) == logins(second)
    assert Case.objects.filter(filer__email="creator@example.com").count() == 3
    assert "creator@example.com" in first and "kotae-operator-demo" in first
    people = User.objects.exclude(email="history@example.com")  # the transparency history's
    assert people.count() == 3
    roles = {u.email: u.role for u in people}
    assert roles == {"creator@example.com": Role.CREATOR, "operator@example.com": Role.OPERATOR,
                     "supervisor@example.com": Role.SUPERVISOR}
    operator = User.objects.get(email="operator@example.com")
    assert operator.has_perm("complaints.view_case")
    assert not operator.has_perm("complaints.change_caseevent")
    assert not operator.has_perm("complaints.delete_notification")


def test_a_second_start_changes_nothing(settings, capsys):
    """`make run` twice, each start followed by its server's sweep a few minutes on (the
    demo clock warns at 2 minutes and runs out at 4): the second start adds no timeline
    event, no e-mail (the filer's late notice least of all) and changes no row."""
    settings.DEBUG = True
    assert deadlines_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    demo = Case.objects.filter(filer__email="creator@example.com").order_by("pk").first()
    assert demo.events.filter(event_type="deadline_breached").count() == 1
    first = tables()

    call_command("seed_demo")
    deadlines_sweep(now=timezone.now() + timedelta(minutes=10))

    assert tables() == first
    assert demo.events.filter(event_type="deadline_started",
                              new_value__clock="first_response").count() == 2  # filed, demo
    late = Notification.objects.filter(case=demo, kind="case_late")
    assert late.count() == 1
    out = capsys.readouterr().out
    assert f"Demo clock: {demo.reference} ran out at" in out


def test_history_register_entries_are_where_the_desk_took_them():
    """A decided objection's entries are not left "received": excluded works are applied
    from a dataset snapshot (confirmed while the next one is still to come), refusals
    are not possible, withdrawals closed; each step by the register's services (its
    event and e-mail), at the time it happened."""
    now = timezone.now()
    calendar = calendar_default()
    spec = calendar.spec() if calendar else CalendarSpec(time_zone=settings.TIME_ZONE)
    objections = (Case.objects.filter(filer__email="history@example.com",
                                      kind=CaseKind.TRAINING_OBJECTION)
                  .select_related("decision").prefetch_related("appeals__decision"))
    seen = set()
    for case in objections:
        entries = list(case.register_entries.all())
        assert entries, case.reference
        appeal = next((a for a in case.appeals.all() if a.status == "decided"), None)
        if case.status == "withdrawn":
            expected = {"closed"}
        elif (case.decision.outcome in ("upheld", "partly_upheld")
              or (appeal and appeal.decision.outcome == "reversed")):
            expected = {"applied", "confirmed"}
        else:
            expected = {"not_possible"}
        for entry in entries:
            assert entry.status in expected, (case.reference, case.decision, entry.status)
            seen.add(entry.status)
            assert entry.created_at == case.submitted_at
            assert entry.updated_at < now - timedelta(hours=1)
            if entry.status == "applied":
                assert entry.snapshot.startswith("dreamreel-train-")
                assert case.decided_at < entry.confirmed_at <= entry.applied_at
                assert entry.updated_at == entry.applied_at
            if entry.status == "confirmed":  # waiting for the next month's snapshot
                # (On the 1st of a month, before the desk's first business hour has
                # passed, last month's entries are still waiting: not a fixed month.)
                _month, applied = snapshot_after(entry.confirmed_at, spec)
                assert applied >= now - LATEST_STEP - timedelta(hours=1), entry  # seeded earlier
            if entry.status == "not_possible":
                assert entry.reason
            step = CaseEvent.objects.get(case=case, event_type=f"register_entry_{entry.status}")
            assert step.created_at == entry.updated_at
            if entry.status != "closed":  # a closing is told by the withdrawal itself
                assert Notification.objects.filter(
                    case=case, kind=f"register_{entry.status}", status="sent").exists()
    # "confirmed" (waiting for next month's snapshot) is missing early on a month's first
    # business day: last month's are applied by then, and none of this month's is yet.
    assert {"applied", "not_possible", "closed"} <= seen <= {
        "applied", "confirmed", "not_possible", "closed"}
    assert not RegisterEntry.objects.filter(case__in=objections, status="received").exists()


def test_demo_history_is_finished_in_the_past_and_made_once(first_start, settings, capsys):
    made = [line for line in first_start.splitlines(keepends=True)
            if line.startswith("Demo history")]  # what seed_transparency_demo printed
    assert len(made) == 1
    history = Case.objects.filter(filer__email="history@example.com")
    count = history.count()
    assert 150 <= count <= 250
    assert set(history.values_list("kind", flat=True)) == set(CaseKind.values)
    assert set(history.exclude(kind="counter_notice").values_list("status", flat=True)) == {
        "decided", "withdrawn"}
    # A counter-notice ends closed, by the restore clock or a court action, not decided.
    assert set(history.filter(kind="counter_notice").values_list("status", flat=True)) == {
        "closed"}
    assert set(Question.objects.filter(case__in=history, case__status="decided").values_list(
        "answer_category", flat=True)) == set(Question.Category.values)
    assert history.filter(decision__outcome="reversed").exists()
    oldest = history.order_by("submitted_at").first().submitted_at
    assert timezone.now() - oldest > timedelta(days=365)
    # Nothing for the sweep or the outbox: no clock left running, every e-mail sent.
    clocks = Deadline.objects.filter(case__in=history)
    assert not clocks.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()
    assert not clocks.filter(next_check_at__isnull=False).exists()
    assert not clocks.filter(met_at__isnull=False, met_business_minutes__isnull=True).exists()
    assert not Notification.objects.filter(case__in=history).exclude(status="sent").exists()
    deadlines_sweep()
    assert not Notification.objects.filter(case__in=history).exclude(status="sent").exists()
    recent = timezone.now() - timedelta(hours=1)
    assert not CaseEvent.objects.filter(case__in=history, created_at__gt=recent).exists()
    assert not User.objects.get(email="history@example.com").has_usable_password()
    assert TransparencySnapshot.objects.exists()

    settings.DEBUG = True
    call_command("seed_transparency_demo")
    assert capsys.readouterr().out == made[0]
    assert history.count() == count


def test_demo_canned_replies_greet_no_one_and_read_as_the_desk_writes():
    """The e-mail that carries a reply greets the filer: the reply does not again. The
    Japanese ones use the glossary's words, quote the work titles with 「」 and say what
    the desk did after review."""
    demo = Case.objects.filter(filer__email="creator@example.com", language="ja").first()
    replies = {canned.name: text for canned, text in canned_for_case(case=demo)}
    assert set(replies) == {"Output removed", "More information needed"}
    for text in replies.values():
        assert "様" not in text and "Dear" not in text and not text.startswith("\n")
        assert "「星空クエスト」に類似した" in text and f"受付番号：{demo.reference}" in text
        assert " を" not in text and "ケースページ" not in text
    assert "内容を確認した結果、該当の生成物を削除し" in replies["Output removed"]
    assert "判断理由" in replies["Output removed"]
    for _name, _language, body in DEMO_CANNED:
        assert "{filer_name}" not in body and "Dear" not in body


def test_a_later_start_updates_old_demo_replies_but_not_what_the_desk_edited(settings):
    """Rows still holding the earlier demo text get the new one; a row an operator has
    changed is theirs. Starting again after that changes nothing."""
    settings.DEBUG = True
    old_ja = CannedResponse.objects.get(name="Output removed", language="ja")
    old_ja.body = DEMO_CANNED_BEFORE["Output removed", "ja"]
    old_ja.save()
    edited = CannedResponse.objects.get(name="More information needed", language="en")
    edited.body = "Dear {filer_name}, which frame? (our own words)"
    edited.save()

    call_command("seed_demo", stdout=io.StringIO())
    new = {(name, language): body for name, language, body in DEMO_CANNED}
    old_ja.refresh_from_db()
    edited.refresh_from_db()
    assert old_ja.body == new["Output removed", "ja"]
    assert edited.body == "Dear {filer_name}, which frame? (our own words)"
    before = tables()
    call_command("seed_demo", stdout=io.StringIO())
    assert tables() == before
