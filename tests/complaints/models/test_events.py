"""The audit trail is kept by the database itself: no UPDATE or DELETE of an event, by the
ORM or by hand, and no deleting a case that has a history. These run on the suite's
database, SQLite by default and PostgreSQL when DATABASE_URL names one."""
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from complaints.models import Case, CaseEvent, audit_trail_unlocked
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(creator):
    return file_case(filer=creator)


def _types(case):
    return list(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))


def test_a_case_is_filed_with_a_history(case):
    assert _types(case)  # the tests below have something to change


def test_update_of_events_is_refused(case):
    before = _types(case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(event_type="case_closed")
    assert _types(case) == before


def test_delete_of_events_is_refused(case):
    before = _types(case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()
    assert _types(case) == before


@pytest.mark.parametrize("sql", [
    "UPDATE complaints_caseevent SET public = NOT public",
    "DELETE FROM complaints_caseevent",
])
def test_sql_by_hand_is_refused_too(case, sql):
    before = list(CaseEvent.objects.values_list("pk", "public"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(CaseEvent.objects.values_list("pk", "public")) == before


def test_a_case_with_events_cannot_be_deleted(case):
    with pytest.raises(ProtectedError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()
    assert _types(case)


def test_the_lock_is_lifted_only_inside_the_development_tools(case):
    with transaction.atomic(), audit_trail_unlocked():
        CaseEvent.objects.filter(case=case).update(public=False)
    assert not CaseEvent.objects.filter(case=case, public=True).exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(public=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger")
def test_on_postgresql_the_trigger_is_there(case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = "
                       "'complaints_caseevent'::regclass AND NOT tgisinternal")
        assert [row[0] for row in cursor.fetchall()] == ["complaints_caseevent_append_only"]
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM complaints_caseevent")
    # TRUNCATE, which flush uses here, still empties it: test_flush_still_empties_the_database.


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_on_sqlite_both_triggers_are_there():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'complaints_caseevent' ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == [
            "complaints_caseevent_no_delete", "complaints_caseevent_no_update"]


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database(creator):
    """What ends every transactional test (and `manage.py flush` on a laptop)."""
    file_case(filer=creator)
    call_command("flush", interactive=False, verbosity=0)
    assert not CaseEvent.objects.exists()
    assert not Case.objects.exists()
