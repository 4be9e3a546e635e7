"""The demo that `make run` seeds on every start: a second start changes nothing a person
could see, and the history's training objections left the register where the desk would
have taken them."""
import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from complaints.models import Case, CaseEvent, CaseKind, Notification, RegisterEntry
from complaints.services.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


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


def test_a_second_start_changes_nothing(settings, capsys):
    """`make run` twice, each start followed by its server's sweep a few minutes on (the
    demo clock warns at 2 minutes and runs out at 4): the second start adds no timeline
    event, no e-mail (the filer's late notice least of all) and changes no row."""
    settings.DEBUG = True
    call_command("seed_demo")
    assert deadlines_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    demo = Case.objects.filter(filer__email="creator@example.com").order_by("pk").first()
    assert demo.events.filter(event_type="deadline_breached").count() == 1
    first = tables()
    capsys.readouterr()

    call_command("seed_demo")
    deadlines_sweep(now=timezone.now() + timedelta(minutes=10))

    assert tables() == first
    assert demo.events.filter(event_type="deadline_started",
                              new_value__clock="first_response").count() == 2  # filed, demo
    late = Notification.objects.filter(case=demo, kind="case_late")
    assert late.count() == 1
    out = capsys.readouterr().out
    assert f"Demo clock: {demo.reference} ran out at" in out


def test_history_register_entries_are_where_the_desk_took_them(settings):
    """A decided objection's entries are not left "received": excluded works are applied
    from a dataset snapshot (confirmed while the next one is still to come), refusals
    are not possible, withdrawals closed; each step by the register's services (its
    event and e-mail), at the time it happened."""
    settings.DEBUG = True
    call_command("seed_transparency_demo")
    now = timezone.now()
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
            if entry.status == "confirmed":  # waiting for the month's snapshot
                assert timezone.localtime(entry.confirmed_at).month in {
                    timezone.localtime(now).month,
                    timezone.localtime(now - timedelta(hours=2)).month}
            if entry.status == "not_possible":
                assert entry.reason
            step = CaseEvent.objects.get(case=case, event_type=f"register_entry_{entry.status}")
            assert step.created_at == entry.updated_at
            if entry.status != "closed":  # a closing is told by the withdrawal itself
                assert Notification.objects.filter(
                    case=case, kind=f"register_{entry.status}", status="sent").exists()
    assert seen == {"applied", "confirmed", "not_possible", "closed"}
    assert not RegisterEntry.objects.filter(case__in=objections, status="received").exists()
