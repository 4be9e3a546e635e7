"""A query compiled once (config.queries) reads what the ORM reads: the same
rows, the same values, select_related objects and annotations, for every id it is given,
from any thread; and the case page built from such queries shows what it showed."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from complaints.models import Case, CaseEvent, Message
from complaints.selectors.cases import case_get_for_desk, cases_related
from complaints.services.cases import LocationData
from complaints.services.desk import case_assign
from complaints.services.messages import message_post
from config.queries import CompiledQuery, list_together
from tests.factories import file_case, png_upload

pytestmark = pytest.mark.django_db

MESSAGES = CompiledQuery(
    Message, lambda pk: Message.objects.filter(case_id=pk).select_related("author"))
CASE_WITH_COUNTS = CompiledQuery(Case, lambda pk: Case.objects.filter(pk=pk).select_related(
    "filer", "assignee").annotate(message_count=Count("messages")))


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def cases(creator, operator):
    made = []
    for n in range(3):
        case = file_case(filer=creator, title=f"Case {n}",
                         locations=[LocationData(url="https://dreamreel.example/v/same")])
        if n:
            case_assign(case=case, actor=operator, assignee=operator)
        for m in range(n + 1):
            message_post(case=case, author=operator, body=f"Reply {n}.{m}")
        made.append(case)
    return made


def test_each_id_reads_the_rows_the_orm_reads(cases):
    for case in cases:
        expected = list(Message.objects.filter(case_id=case.pk).select_related("author"))
        with CaptureQueriesContext(connection) as ctx:
            got = MESSAGES.list(case.pk)
            authors = [message.author.email for message in got]  # joined: no query
        assert len(ctx.captured_queries) == 1
        assert [fields(m) for m in got] == [fields(m) for m in expected]
        assert authors == [m.author.email for m in expected]
        assert len(got) == int(case.title.split()[-1]) + 1

    [case] = CASE_WITH_COUNTS.list(cases[2].pk)
    assert (case.title, case.message_count, case.assignee.email) == (
        "Case 2", 3, cases[2].assignee.email)
    assert CASE_WITH_COUNTS.list(cases[0].pk)[0].assignee is None
    assert CASE_WITH_COUNTS.list(10**9) == []


@pytest.mark.django_db(transaction=True)  # the other thread's connection sees the rows
def test_a_query_compiled_in_one_thread_runs_in_another(cases):
    MESSAGES.list(cases[0].pk)  # compiled here, with this thread's connection
    seen, failures = [], []

    def other():
        try:
            seen.append([m.body for m in MESSAGES.list(cases[1].pk)])
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=other)
    worker.start()
    worker.join(timeout=30)
    assert not failures
    assert seen == [["Reply 1.0", "Reply 1.1"]]


def test_a_build_that_does_not_use_its_id_is_refused():
    query = CompiledQuery(Message, lambda pk: Message.objects.all())
    with pytest.raises(TypeError):
        query.list(1)


def test_the_desk_case_and_its_related_cases(cases, operator, creator):
    case = case_get_for_desk(cases[2].pk)
    with CaptureQueriesContext(connection) as ctx:
        bodies = [m.body for m in case.desk_messages]
        events = [e.event_type for e in case.desk_events]
        assert {m.case for m in case.desk_messages} == {case}
    assert not ctx.captured_queries
    assert bodies == ["Reply 2.0", "Reply 2.1", "Reply 2.2"]
    assert events == list(CaseEvent.objects.filter(case=cases[2]).values_list(
        "event_type", flat=True))
    assert (case.assignee, case.filer.email, case.locations_count) == (
        operator, cases[2].filer.email, 1)
    assert [other.title for other in cases_related(case)] == ["Case 1", "Case 0"]

    with_files = file_case(filer=creator, uploads=[png_upload("b.png"), png_upload("a.png")])
    case = case_get_for_desk(with_files.pk)
    with CaptureQueriesContext(connection) as ctx:
        evidence = [file.original_name for file in case.evidence.all()]
        deadlines = [d.clock for d in case.deadlines.all()]
        owners = {row.case for row in (*case.deadlines.all(), *case.evidence.all(),
                                       *case.desk_events)}
    assert not ctx.captured_queries  # all read with the case, each row's case too
    assert evidence == ["b.png", "a.png"]  # in the order they came
    assert deadlines == list(with_files.deadlines.values_list("clock", flat=True))
    assert owners == {case}


def test_an_id_no_case_has_is_not_found(client, operator, cases):
    """Found in review: an id past 64 bits made SQLite refuse the number (a 500)."""
    client.force_login(operator)
    for case_id in (10**9, 10**20):
        assert client.get(f"/admin/complaints/case/{case_id}/change/").status_code == 404
    assert CASE_WITH_COUNTS.list(10**20) == [] == CASE_WITH_COUNTS.list(-(10**20))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are "
                    "PostgreSQL's")
def test_on_postgresql_the_server_plans_a_compiled_query_once_per_connection(cases):
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for case in cases:
        assert [fields(m) for m in MESSAGES.list(case.pk)] == [
            fields(m) for m in Message.objects.filter(case_id=case.pk)]
    messages_table = [sql for sql in prepared() if '"complaints_message"' in sql]
    assert len(messages_table) == 1  # one statement for every id: bound, not written in
    assert "$1" in messages_table[0]
    # Django's own queries are not prepared: the deployment's pooler may not keep them.
    list(Message.objects.filter(case_id=cases[0].pk))
    assert len([sql for sql in prepared() if '"complaints_message"' in sql]) == 1


def test_queries_sent_together_read_what_each_reads_alone(cases, monkeypatch):
    """The case page sends its case's own queries together (one pipeline on PostgreSQL):
    each gets its own rows, in order, and an id no row can have gets none."""
    pipelines = []
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        real = type(connection.connection).pipeline
        monkeypatch.setattr(type(connection.connection), "pipeline",
                            lambda self: pipelines.append(1) or real(self))
    for case in cases:
        with CaptureQueriesContext(connection) as ctx:
            messages, [with_counts], none, again = list_together(
                (MESSAGES, (case.pk,)), (CASE_WITH_COUNTS, (case.pk,)),
                (MESSAGES, (10**20,)), (MESSAGES, [case.pk]))
        assert len(ctx.captured_queries) == 3  # each logged and counted as before
        alone = MESSAGES.list(case.pk)
        assert [fields(m) for m in messages] == [fields(m) for m in alone] == [
            fields(m) for m in again]
        assert [m.author.email for m in messages] == [m.author.email for m in alone]
        assert (with_counts.title, with_counts.message_count) == (case.title, len(alone))
        assert none == []
    assert len(pipelines) == (len(cases) if connection.vendor == "postgresql" else 0)
    assert list_together() == []


@pytest.mark.parametrize("desk", [False, True])
def test_a_cases_first_page_of_rows_reads_what_the_orm_reads(operator, desk, monkeypatch):
    """The first page of locations and of works (compiled): the same rows in the same
    order, each location's owner (the desk's) and the works it copies, its case already
    in hand; no query to read any of them."""
    from complaints.selectors.cases import case_get_for_desk
    from complaints.selectors.rows import case_rows_pages, with_copied_works
    from complaints.services.cases import WorkData
    from complaints.services.owners import owner_name

    case = file_case(works=[WorkData(title=f"Work {n}", kind="anime") for n in range(3)],
                     locations=[LocationData(url=f"https://dreamreel.example/v/{n}",
                                             works=(3, 1) if n == 1 else ())
                                for n in range(4)])
    located = list(case.locations.order_by("position", "pk"))
    owner_name(location=located[2], ai_product="DreamReel", account_id="u-77", actor=operator)
    case = case_get_for_desk(case.pk)  # counted, as every page reads it
    case_rows_pages(case, {}, desk=desk)  # compiled (the database's features read) once
    from complaints.selectors.rows import _FIRST_LOCATIONS, _FIRST_WORKS

    ran, run = [], CompiledQuery.list
    monkeypatch.setattr(CompiledQuery, "list", lambda query, *ids: ran.append(query)
                        or run(query, *ids))
    with CaptureQueriesContext(connection) as ctx:
        pages = case_rows_pages(case, {}, desk=desk)
        shown = [(loc.url, loc.case.reference, loc.copied_work_titles,
                  loc.owner.account_id if desk and loc.owner else None)
                 for loc in pages["locations"]]
        works = [(work.title, work.case.reference) for work in pages["works"]]
    assert len(ctx.captured_queries) == 2
    assert ran == [_FIRST_LOCATIONS[desk, True], _FIRST_WORKS]  # not the ORM's two
    orm = with_copied_works(case.locations.select_related("owner").order_by("position", "pk"))
    assert [fields(loc) for loc in pages["locations"]] == [fields(loc) for loc in orm]
    assert shown == [(f"https://dreamreel.example/v/{n}", case.reference,
                      ["Work 0", "Work 2"] if n == 1 else [],
                      "u-77" if desk and n == 2 else None) for n in range(4)]
    assert works == [(f"Work {n}", case.reference) for n in range(3)]
    assert pages["locations"].paginator.count == 4 and pages["works"].number == 1


def test_the_latest_twenty_related_cases_are_shown_newest_first(creator):
    """A case whose output 22 others also name shows the 20 filed last, newest first,
    each with its filer's address, and not itself (filed after them all)."""
    from complaints.selectors.cases import RELATED_SHOWN

    location = [LocationData(url="https://dreamreel.example/v/shared")]
    others = [file_case(filer=creator, title=f"Other {n}", locations=location)
              for n in range(RELATED_SHOWN + 2)]
    case = file_case(filer=creator, title="The last", locations=location)
    newest = others[::-1][:RELATED_SHOWN]
    # Shown newest first by the time each was submitted: one back-dated (an import, say)
    # is still among the twenty filed last, shown last.
    Case.objects.filter(pk=newest[0].pk).update(
        submitted_at=others[0].submitted_at - timedelta(days=1))
    newest = newest[1:] + newest[:1]

    related = cases_related(case)
    assert [other.title for other in related] == [other.title for other in newest]
    assert {other.filer.email for other in related} == {creator.email}
