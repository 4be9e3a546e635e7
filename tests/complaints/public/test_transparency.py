"""The transparency report: figures checked against a hand-counted fixture, the
small-group rule everywhere the figures leave the building, public access, no personal
data, the periodic refresh and the page's constant cost."""
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from complaints.models import Case, Deadline, TransparencySnapshot
from complaints.public.views import DISPUTES
from complaints.services.cases import case_submit, case_withdraw
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from complaints.services.messages import message_post
from complaints.services.transparency import (
    KEEP_SNAPSHOTS,
    SUPPRESSED,
    WITHHELD,
    transparency_figures,
    transparency_refresh,
)
from complaints.tasks import transparency_refresh_task
from tests.factories import UserFactory, complaint_draft, staff_user

FR, DECISION = Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION
NOW = datetime(2025, 8, 15, 3, 0, tzinfo=UTC)
FILER_NAME, FILER_EMAIL = "Kiyoshi Private-Person", "kiyoshi.private@example.com"
SECRET_TITLE = "Secret title of a filer's case"


def t(day: str, hour: int = 3) -> datetime:
    """A UTC instant on a day of 2025 ("02-10" is 10 February)."""
    month, day_of_month = (int(part) for part in day.split("-"))
    return datetime(2025, month, day_of_month, hour, tzinfo=UTC)


def _draft(kind: str, **extra):
    return complaint_draft(kind=kind, title=SECRET_TITLE, signature=FILER_NAME, **extra)


def _decide(case, by, outcome, actions):
    return decision_record(case=case, decided_by=by, outcome=outcome, actions=actions,
                           facts="Facts relied on.", ground="Policy 4.2.",
                           automated_means=False)


def _times(case, *, submitted, first_response=None, decision=None, late=False):
    """Put the case where the fixture says: filed at `submitted`, its first response and
    decision taking these business minutes, the decision on time unless `late`."""
    Case.objects.filter(pk=case.pk).update(submitted_at=submitted)
    if first_response is not None:
        Deadline.objects.filter(case=case, clock=FR).update(
            met_business_minutes=first_response)
    if decision is not None:
        met = submitted + timedelta(days=5)
        Deadline.objects.filter(case=case, clock=DECISION).update(
            met_at=met, due_at=met + timedelta(hours=-1 if late else 1),
            met_business_minutes=decision)


@pytest.fixture(scope="class")
def counted(shared_rows):
    """The hand-counted history (2025, Japan time):

    Q1 output complaints, February: 9 received, 1 withdrawn (after a reply), 8 decided.
        first response minutes 30 60 90 120 150 180 240 480 900 → median 150, p90 900
        decision minutes 600 1200 1800 2400 3000 3600 4200 7000 → median 2400, p90 7000
        2 decisions late → on time 6/8 = 0.75
        outcomes: upheld 5, not upheld 3 (shown "fewer than 5"; upheld "withheld", as
        it would give the 3 as 8 − 5)
        actions: output removed 5, prompt blocked 5 (in either order), excluded from
        training 1, no action 3 (the last two "fewer than 5")
        appeals against them 6, of which 5 reversed.
    Q2 inquiries, April: 5 received (one filed 00:30 on 1 April in Tokyo, still 31 March
        in UTC), all decided "answered" with "no action".
        first response 100 200 300 400 500 → median 300, p90 500
        decision 1000 1100 1200 1300 9000, the last one late → median 1200, p90 9000, 0.8
        questions: yes 5, no 2, partly 1, unknown 1, cannot disclose 1, one unanswered.
    Q2 training objections, May: 4 received, 3 decided: a small group, all withheld.
    Q2 appeals, June: the 6 appeals, decided 5 reversed and 1 confirmed (shown "fewer
        than 5"; reversed "withheld", and decided too, as 5 or more reversed of 6 decided
        would give the 1; then "no action", 6 like decided, is "withheld" as well).
    """
    with shared_rows(_hand_counted_history) as filer:
        yield filer


def _hand_counted_history():
    """Made once for TestTheHandCountedHistory (see `counted`); returns the filer."""
    operator = staff_user(email="olivia@kotae.example", display_name="Olivia Operator")
    supervisor = staff_user(role="supervisor", email="sato@kotae.example",
                            display_name="Sato")
    filer = UserFactory(email=FILER_EMAIL, display_name=FILER_NAME)

    complaints = []
    first_minutes = [30, 60, 90, 120, 150, 180, 240, 480, 900]
    decision_minutes = [600, 1200, 1800, 2400, 3000, 3600, 4200, 7000]
    for i in range(9):
        case = case_submit(filer=filer, draft=_draft("output_complaint"))
        if i == 8:  # answered, then withdrawn before a decision
            message_post(case=case, author=operator, body="We are looking into it.")
            case_withdraw(case=case, actor=filer)
            _times(case, submitted=t(f"02-{10 + i}"), first_response=first_minutes[i])
            continue
        if i < 5:
            actions = (["prompt_blocked", "output_removed"] if i % 2
                       else ["output_removed", "prompt_blocked"])
            if i == 4:
                actions.append("excluded_from_training")
            _decide(case, operator, "upheld", actions)
        else:
            _decide(case, operator, "not_upheld", ["no_action"])
        _times(case, submitted=t(f"02-{10 + i}"), first_response=first_minutes[i],
               decision=decision_minutes[i], late=i in (3, 7))
        complaints.append(case)

    inquiry_submitted = [datetime(2025, 3, 31, 15, 30, tzinfo=UTC), t("04-08"), t("04-09"),
                         t("04-10"), t("04-11")]
    answers = [["yes", "no"], ["yes", "partly"], ["yes", "unknown"],
               ["yes", "cannot_disclose"], ["yes", "no", None]]
    for i, categories in enumerate(answers):
        case = case_submit(filer=filer, draft=_draft(
            "inquiry", questions=[f"Question {n}" for n in range(len(categories))]))
        for question, category in zip(case.questions.order_by("position"), categories,
                                      strict=True):
            question_answer(question=question, actor=operator, category=category or "unknown",
                            text="Because we checked.")
        _decide(case, operator, "answered", ["no_action"])
        # A question left unanswered, as a decision before the rule that every question
        # is answered first could leave one: the report still counts it as unanswered.
        case.questions.filter(position__in=[n for n, c in enumerate(categories) if not c]
                              ).update(answer_category="", answer_text="")
        _times(case, submitted=inquiry_submitted[i], first_response=100 * (i + 1),
               decision=[1000, 1100, 1200, 1300, 9000][i], late=i == 4)

    for i in range(4):
        case = case_submit(filer=filer, draft=_draft(
            "training_objection", training_uses=["training"], whole_catalogue=True,
            catalogue_identifiers="hoshizora.example"))
        if i < 3:
            _decide(case, operator, "upheld", ["excluded_from_training"])
        _times(case, submitted=t(f"05-{10 + i}"), first_response=60,
               decision=600 if i < 3 else None)

    for i, original in enumerate(complaints[:6]):
        appeal = case_submit(filer=filer, draft=_draft(
            "appeal", appeal_of_id=original.pk, appeal_grounds="The decision was wrong."))
        _decide(appeal, supervisor, "reversed" if i < 5 else "confirmed", ["no_action"])
        Case.objects.filter(pk=appeal.pk).update(submitted_at=t(f"06-{10 + i}"))
    return filer


def _quarter(data, quarter):
    return next(q for q in data["quarters"] if q["quarter"] == quarter)


def _group(data, quarter, kind):
    return next(g for g in _quarter(data, quarter)["kinds"] if g["kind"] == kind)


# --- Secondary suppression: no withheld figure can be worked out by subtraction ----------

def _sets(data: dict) -> list[list]:
    """The published figures that add up to another (outcomes and actions to decided; the
    kinds' received counts of a quarter to its months), as lists of values."""
    sets = []
    for quarter in data["quarters"]:
        for group in quarter["kinds"]:
            sets.append([*group["outcomes"].values(), group["decided"]])
            sets.append([*group["actions"].values(), group["decided"]])
        months = [m["received"] for m in data["months"]
                  if quarter["first_day"][:7] <= m["month"] <= quarter["last_day"][:7]]
        if len(months) == 3 or not quarter["complete"]:
            sets.append([g["received"] for g in quarter["kinds"]] + months)
    return sets


def _assert_nothing_derivable(data: dict):
    for cells in _sets(data):
        hidden = [v for v in cells if v in (SUPPRESSED, WITHHELD)]
        assert len(hidden) != 1, cells


def _submit(filer, kind, submitted, **extra):
    case = case_submit(filer=filer, draft=_draft(kind, **extra))
    Case.objects.filter(pk=case.pk).update(submitted_at=submitted)
    return case


def test_one_small_outcome_cannot_be_worked_out(db, operator):
    filer = UserFactory()
    for i in range(6):
        case = _submit(filer, "output_complaint", t(f"02-{10 + i}"))
        _decide(case, operator, *(("upheld", ["output_removed"]) if i < 5
                                  else ("not_upheld", ["no_action"])))
    data = transparency_figures(now=NOW)
    group = _group(data, "2025-Q1", "output_complaint")
    assert group["received"] == 6
    assert group["outcomes"]["not_upheld"] == SUPPRESSED
    # 6 decided − 5 upheld would give the 1; and with decided shown, "5 or more" upheld
    # of 6 would still give it, so decided is withheld too.
    assert group["outcomes"]["upheld"] == WITHHELD
    assert group["decided"] == WITHHELD
    assert group["actions"] == {"output_removed": 5, "prompt_blocked": 0,
                                "excluded_from_training": 0, "no_action": SUPPRESSED}
    _assert_nothing_derivable(data)


def test_one_small_kind_cannot_be_worked_out_from_the_months(db):
    filer = UserFactory()
    for i in range(6):
        _submit(filer, "output_complaint", t(f"02-{10 + i}"))
    for i in range(2):
        _submit(filer, "inquiry", t(f"02-{20 + i}"), questions=["Q?"])
    data = transparency_figures(now=NOW)
    kinds = {g["kind"]: g["received"] for g in _quarter(data, "2025-Q1")["kinds"]}
    months = {m["month"]: m["received"] for m in data["months"]}
    assert months["2025-02"] == 8  # the month of all kinds is published...
    assert kinds == {"output_complaint": WITHHELD, "training_objection": 0,
                     "inquiry": SUPPRESSED, "appeal": 0,
                     "counter_notice": 0}  # ...so 8 − 6 is not
    _assert_nothing_derivable(data)


def test_one_small_month_cannot_be_worked_out_from_the_quarter(db):
    filer = UserFactory()
    for i in range(6):
        _submit(filer, "output_complaint", t(f"02-{10 + i}"))
    for i in range(2):
        _submit(filer, "output_complaint", t(f"03-{10 + i}"))
    data = transparency_figures(now=NOW)
    assert _group(data, "2025-Q1", "output_complaint")["received"] == 8
    months = {m["month"]: m["received"] for m in data["months"]}
    assert months["2025-01"] == 0
    assert months["2025-03"] == SUPPRESSED
    assert months["2025-02"] == WITHHELD  # 6: with it, March would be 8 − 0 − 6
    _assert_nothing_derivable(data)


def test_a_share_needs_five_decided_cases(db, operator):
    filer = UserFactory()
    for i in range(5):
        case = _submit(filer, "output_complaint", t(f"02-{10 + i}"))
        _decide(case, operator, "upheld", ["output_removed"])
        _times(case, submitted=t(f"02-{10 + i}"), decision=600, late=i == 0)
    data = transparency_figures(now=NOW)
    group = _group(data, "2025-Q1", "output_complaint")
    assert group["decided"] == 5 and group["decided_on_time_share"] == 0.8
    case = _submit(filer, "inquiry", t("02-20"), questions=["Q?"])
    question_answer(question=case.questions.get(), actor=operator, category="no",
                    text="It was not.")
    _decide(case, operator, "answered", ["no_action"])
    _times(case, submitted=t("02-20"), decision=600, late=False)
    data = transparency_figures(now=NOW)
    assert _group(data, "2025-Q1", "inquiry")["decided_on_time_share"] == SUPPRESSED


def _csv(response) -> list[dict]:
    """The CSV's rows by heading (in English: the test client asks for no language)."""
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _json(response) -> dict:
    return json.loads(response.content.decode("utf-8"))


def test_every_page_links_to_the_report(client, db):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("public:transparency")}"' in html


def test_a_desk_without_cases_has_a_report(client, db):
    html = client.get(reverse("public:transparency")).content.decode()
    assert "No cases of this kind in these quarters." in html
    assert html.count("<svg") == 2


@pytest.mark.parametrize("cases", [5, 50])
def test_page_costs_the_same_however_many_cases(db, client, cases,
                                                django_assert_num_queries):
    filer = UserFactory()
    for _ in range(cases):
        case_submit(filer=filer, draft=_draft("output_complaint"))
    transparency_refresh()
    with django_assert_num_queries(1):
        assert client.get(reverse("public:transparency")).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("public:transparency_csv")).status_code == 200


def test_demo_history_is_for_development_only(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_transparency_demo")


@pytest.mark.django_db
class TestTheHandCountedHistory:
    """Read the hand-counted history, made once for them all (`counted`): each test's
    own changes are undone after it, as in any test."""

    def test_figures_match_the_hand_count(self, counted, django_assert_max_num_queries):
        # Aggregates only, whatever the number of cases (4 of them the disputes and policies).
        with django_assert_max_num_queries(12):
            data = transparency_figures(now=NOW)

        assert [q["quarter"] for q in data["quarters"]] == ["2025-Q1", "2025-Q2", "2025-Q3"]
        assert _quarter(data, "2025-Q2")["complete"] is True
        assert _quarter(data, "2025-Q3")["complete"] is False

        complaints = _group(data, "2025-Q1", "output_complaint")
        assert complaints["received"] == 9
        assert complaints["withdrawn"] == SUPPRESSED  # 1
        assert complaints["decided"] == 8
        assert complaints["first_response_median_business_minutes"] == 150
        assert complaints["first_response_p90_business_minutes"] == 900
        assert complaints["decision_median_business_minutes"] == 2400
        assert complaints["decision_p90_business_minutes"] == 7000
        assert complaints["decided_on_time_share"] == 0.75
        assert complaints["outcomes"] == {
            "upheld": WITHHELD, "partly_upheld": 0, "not_upheld": SUPPRESSED, "answered": 0,
            "reversed": 0, "confirmed": 0, "rejected": 0}
        assert complaints["actions"] == {
            "output_removed": 5, "prompt_blocked": 5, "excluded_from_training": SUPPRESSED,
            "no_action": SUPPRESSED}
        assert complaints["appeals"] == 6
        assert complaints["reversals"] == 5

        inquiries = _group(data, "2025-Q2", "inquiry")
        assert inquiries["received"] == 5  # the one filed on 1 April in Tokyo counts here
        assert _group(data, "2025-Q1", "inquiry")["received"] == 0
        assert inquiries["decided"] == 5
        assert inquiries["first_response_median_business_minutes"] == 300
        assert inquiries["first_response_p90_business_minutes"] == 500
        assert inquiries["decision_median_business_minutes"] == 1200
        assert inquiries["decision_p90_business_minutes"] == 9000
        assert inquiries["decided_on_time_share"] == 0.8
        assert inquiries["outcomes"]["answered"] == 5
        assert inquiries["actions"]["no_action"] == 5
        assert inquiries["answers"] == {"yes": 5, "no": SUPPRESSED, "partly": SUPPRESSED,
                                        "unknown": SUPPRESSED, "cannot_disclose": SUPPRESSED}

        appeals = _group(data, "2025-Q2", "appeal")
        assert appeals["received"] == 6
        assert appeals["decided"] == WITHHELD  # 6
        assert appeals["outcomes"]["reversed"] == WITHHELD  # 5
        assert appeals["outcomes"]["confirmed"] == SUPPRESSED
        assert appeals["actions"]["no_action"] == WITHHELD  # 6
        assert appeals["decided_on_time_share"] == 1.0

        nothing = _group(data, "2025-Q3", "output_complaint")
        assert nothing["received"] == 0
        assert nothing["decision_median_business_minutes"] is None
        assert nothing["decided_on_time_share"] is None

    def test_a_group_of_four_withholds_every_figure(self, counted):
        objections = _group(transparency_figures(now=NOW), "2025-Q2", "training_objection")
        assert objections["kind"] == "training_objection"
        leaves = [value for key, value in objections.items()
                  if key != "kind" and not isinstance(value, dict)]
        leaves += [v for value in objections.values() if isinstance(value, dict)
                   for v in value.values()]
        assert len(leaves) > 20
        assert set(leaves) == {SUPPRESSED}

    def test_months_follow_the_same_rule(self, counted):
        months = {m["month"]: m for m in transparency_figures(now=NOW)["months"]}
        assert list(months)[0] == "2024-09" and list(months)[-1] == "2025-08"
        assert months["2025-02"]["received"] == 9
        assert months["2025-02"]["decided_on_time_share"] == 0.75
        assert months["2025-03"]["received"] == 0  # the 31 March (UTC) inquiry is April's
        assert months["2025-04"]["received"] == 5
        assert months["2025-05"]["received"] == SUPPRESSED
        assert months["2025-05"]["decided_on_time_share"] == SUPPRESSED
        assert months["2025-06"]["decided_on_time_share"] == 1.0
        assert months["2025-08"]["complete"] is False

    def test_no_set_of_the_published_figures_has_one_hidden_figure(self, counted, client):
        transparency_refresh(now=NOW)
        data = _json(client.get(reverse("public:transparency_json")))
        assert WITHHELD in json.dumps(data["quarters"])
        _assert_nothing_derivable(data)
        rows = _csv(client.get(reverse("public:transparency_csv")))
        assert "withheld" in {value for row in rows for value in row.values()}

    @pytest.mark.parametrize("name", ["transparency", "transparency_csv", "transparency_json"])
    def test_report_is_public_and_holds_nothing_personal(self, counted, client, name):
        response = client.get(reverse(f"public:{name}"))
        assert response.status_code == 200
        body = response.content.decode("utf-8")
        for personal in (FILER_NAME, FILER_EMAIL, SECRET_TITLE, "olivia@kotae.example",
                         "Olivia Operator", "KT-20"):
            assert personal not in body

    def test_downloads_name_themselves(self, counted, client):
        transparency_refresh()
        csv_response = client.get(reverse("public:transparency_csv"))
        json_response = client.get(reverse("public:transparency_json"))
        assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
        assert json_response["Content-Type"] == "application/json; charset=utf-8"
        assert csv_response["Content-Disposition"].startswith(
            'attachment; filename="kotae-transparency-')
        assert csv_response["Content-Disposition"].endswith('.csv"')
        assert json_response["Content-Disposition"].endswith('.json"')
        assert client.post(reverse("public:transparency_csv")).status_code == 405

    def test_downloads_carry_the_figures_and_withhold_small_ones(self, counted, client, settings):
        transparency_refresh()
        rows = {(r["Quarter"], r["Kind of case"]): r
                for r in _csv(client.get(reverse("public:transparency_csv")))}
        complaints = rows["2025 Q1", "Output complaint"]
        assert complaints["Received"] == "9"
        assert complaints["Time to first response: median (business minutes)"] == "150"
        assert complaints["Time to decision: 9 in 10 within (business minutes)"] == "7000"
        assert complaints["Decided on time (share, 0 to 1)"] == "0.75"
        # upheld: 5, which would give the 3 not upheld (a 3 inside a group of 9)
        assert complaints["Outcome (Upheld: action taken)"] == "withheld"
        assert complaints["Outcome (Not upheld: no action)"] == "fewer than 5"
        assert complaints["Appeals filed"] == "6"
        assert rows["2025 Q2", "Inquiry"]["Answer (Yes)"] == "5"
        assert rows["2025 Q3", "Inquiry"]["Received"] == "0"
        assert rows["2025 Q3", "Inquiry"]["Time to decision: median (business minutes)"] == ""
        objections = rows["2025 Q2", "Training objection"]
        assert {v for k, v in objections.items() if k not in (
            "Quarter", "First day", "Last day", "Quarter complete", "Kind of case",
            *map(str, DISPUTES.values()))} == {
            "fewer than 5"}

        data = _json(client.get(reverse("public:transparency_json")))
        assert data["suppressed_marker"] == "fewer than 5"
        assert data["withheld_marker"] == "withheld"
        quarter = next(q for q in data["quarters"] if q["quarter"] == "2025-Q2")
        objection = next(g for g in quarter["kinds"] if g["kind"] == "training_objection")
        assert objection["received"] == objection["decided"] == "fewer than 5"
        assert objection["outcomes"]["upheld"] == "fewer than 5"
        assert objection["decision_median_business_minutes"] == "fewer than 5"
        quarter = next(q for q in data["quarters"] if q["quarter"] == "2025-Q1")
        complaint = next(g for g in quarter["kinds"] if g["kind"] == "output_complaint")
        assert complaint["outcomes"]["not_upheld"] == "fewer than 5"
        assert complaint["decision_median_business_minutes"] == 2400

    def test_page_shows_tables_charts_and_withheld_figures(self, counted, client):
        transparency_refresh(now=NOW)
        response = client.get(reverse("public:transparency"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "2025 Q1" in html and "2025 Q2" in html
        assert "2.5 business hours" in html  # the 150-minute median first response
        assert "4.4 business days" in html  # the 2,400-minute median decision (9-hour days)
        assert "100%" in html  # June's appeals, all on time
        assert 'class="withheld">fewer than 5<' in html
        assert 'class="withheld">withheld<' in html
        assert "worked out by subtraction" in html
        assert html.count("<svg") == 2 and "<title" in html and "<desc" in html
        assert reverse("public:transparency_csv") in html
        assert reverse("public:transparency_json") in html

    def test_page_speaks_japanese_when_asked(self, counted, client):
        transparency_refresh(now=NOW)
        html = client.get(reverse("public:transparency"),
                          HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert '<html lang="ja">' in html
        assert "ログイン" in html  # the site's own Japanese around the report
        assert ">1月<" in html  # month names on the chart's axis

    def test_task_stores_a_snapshot_that_the_page_then_serves(self, counted, client):
        def complaints_this_quarter():
            current = _json(client.get(reverse("public:transparency_json")))["quarters"][-1]
            return next(g for g in current["kinds"] if g["kind"] == "output_complaint")["received"]

        transparency_refresh_task.delay()
        assert TransparencySnapshot.objects.count() == 1
        assert complaints_this_quarter() == 0
        filer = UserFactory()
        for _ in range(5):
            case_submit(filer=filer, draft=_draft("output_complaint"))
        assert complaints_this_quarter() == 0  # the stored figures, until the next refresh
        transparency_refresh_task.delay()
        assert complaints_this_quarter() == 5

        for _ in range(KEEP_SNAPSHOTS):
            transparency_refresh_task.delay()
        assert TransparencySnapshot.objects.count() == KEEP_SNAPSHOTS

    def test_page_computes_the_figures_when_none_are_stored(self, counted, client):
        assert not TransparencySnapshot.objects.exists()
        assert client.get(reverse("public:transparency")).status_code == 200
        assert TransparencySnapshot.objects.count() == 1

    def test_refresh_fills_minutes_of_clocks_met_before_they_were_kept(self, counted):
        Deadline.objects.filter(met_at__isnull=False).update(met_business_minutes=None)
        transparency_refresh()
        assert not Deadline.objects.filter(met_at__isnull=False,
                                           met_business_minutes__isnull=True).exists()
