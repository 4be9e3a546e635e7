"""/api/v1/register/ and `manage.py export_register`: the register for the data pipeline,
staff only, in JSON lines or CSV, with `updated_since`; both write the same lines."""
import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from complaints.models import RegisterEntry
from complaints.services.cases import WorkData
from complaints.services.register import register_entries_apply, register_entries_confirm
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/register/"


def client_for(user) -> APIClient:
    _row, token = api_token_create(user=user, name="pipeline")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def body(response) -> str:
    assert response.streaming  # never the whole register in memory
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def register(creator, operator):
    """Two cases' entries: an older one applied since, and a newer one just received."""
    old = file_case(filer=creator, kind="training_objection", title="Do not train on us",
                    remedies=[], locations=[], training_uses=["training"],
                    whole_catalogue=True, catalogue_identifiers="https://hoshizora.example/\n"
                                                                "=HYPERLINK(\"x\")",
                    works=[WorkData(title="Hoshizora Quest", kind="anime")])
    new = file_case(filer=creator, kind="training_objection", title="Nor on this",
                    remedies=[], locations=[], training_uses=["retrieval"],
                    works=[WorkData(title="星空の旅", kind="anime",
                                    identifier="kumo.example")])
    catalogue, quest = old.register_entries.all()
    past = timezone.now() - timedelta(days=10)
    RegisterEntry.objects.filter(case=old).update(created_at=past, updated_at=past)
    RegisterEntry.objects.filter(case=new).update(updated_at=past + timedelta(days=1))
    register_entries_confirm(entry_ids=[catalogue.pk], actor=operator)
    register_entries_apply(entry_ids=[catalogue.pk], actor=operator, snapshot="ds-2026-11-30")
    return {"catalogue": catalogue, "quest": quest, "new": new.register_entries.get(),
            "old_case": old, "since": past + timedelta(hours=12)}


def test_staff_reads_json_lines_oldest_change_first(operator, register):
    response = client_for(operator).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jsonl")
    rows = [json.loads(line) for line in body(response).splitlines()]
    assert [r["id"] for r in rows] == [register["quest"].pk, register["new"].pk,
                                       register["catalogue"].pk]
    applied = rows[-1]
    assert applied == {
        "id": register["catalogue"].pk, "kind": "reservation", "status": "applied",
        "scope": "catalogue", "rights_holder": "Hanako Yamada", "title": "",
        "titles": ['=HYPERLINK("x")'], "urls": ["https://hoshizora.example/"],
        "domains": ["hoshizora.example"], "image_hashes": [], "uses": ["training"],
        "snapshot": "ds-2026-11-30", "reason": "", "case_reference":
            register["old_case"].reference,
        "created_at": applied["created_at"], "confirmed_at": applied["confirmed_at"],
        "applied_at": applied["applied_at"], "updated_at": applied["updated_at"]}
    assert all(applied[t].endswith("Z") for t in ("created_at", "confirmed_at", "applied_at",
                                                 "updated_at"))
    assert rows[1]["title"] == "星空の旅" and rows[1]["domains"] == ["kumo.example"]
    assert rows[0]["confirmed_at"] is None and rows[0]["status"] == "received"


def test_updated_since_leaves_out_older_changes(operator, register):
    client = client_for(operator)
    since = register["since"].isoformat()
    rows = [json.loads(line) for line in body(client.get(URL, {"updated_since": since}))
            .splitlines()]
    assert [r["id"] for r in rows] == [register["new"].pk, register["catalogue"].pk]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert body(client.get(URL, {"updated_since": later})) == ""


def test_csv_has_a_header_lists_joined_and_no_formulas(operator, register):
    response = client_for(operator).get(URL, {"format": "csv",
                                              "updated_since": register["since"].isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [int(r["id"]) for r in rows] == [register["new"].pk, register["catalogue"].pk]
    catalogue = rows[1]
    assert catalogue["titles"] == "'=HYPERLINK(\"x\")"  # a spreadsheet shows it, runs nothing
    assert catalogue["status"] == "applied" and catalogue["snapshot"] == "ds-2026-11-30"
    assert rows[0]["confirmed_at"] == "" and rows[0]["uses"] == "retrieval"


def test_a_filers_token_is_refused_and_no_token_is_unauthorised(creator, register):
    refused = client_for(creator).get(URL)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "staff" in refused.json()["message"]
    anonymous = APIClient().get(URL, {"format": "csv"})
    assert anonymous.status_code == 401
    assert set(anonymous.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize("params, field", [
    ({"updated_since": "2026-11-01T10:00:00"}, "updated_since"),  # no zone
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"updated_since": ""}, "updated_since"),
    ({"format": "xml"}, "format"),
])
def test_bad_parameters_are_a_clear_400(operator, params, field):
    response = client_for(operator).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["code"] == "invalid" and list(data["fields"]) == [field]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_command_writes_what_the_endpoint_answers(operator, register, tmp_path, fmt):
    since = register["since"].isoformat()
    api = body(client_for(operator).get(URL, {"format": fmt, "updated_since": since}))
    out = tmp_path / f"register.{fmt}"
    call_command("export_register", "--format", fmt, "--updated-since", since,
                 "--output", str(out), stderr=io.StringIO())
    assert out.read_text(encoding="utf-8") == api
    stdout = io.StringIO()
    call_command("export_register", "--format", fmt, stdout=stdout)
    assert stdout.getvalue() == body(client_for(operator).get(URL, {"format": fmt}))
    assert len(stdout.getvalue().splitlines()) == 3 + (fmt == "csv")


def test_the_command_refuses_a_time_without_zone():
    with pytest.raises(CommandError, match="updated-since"):
        call_command("export_register", "--updated-since", "2026-11-01")


def test_every_line_is_described_by_the_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/register/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/jsonl", "text/csv"}
    assert {p["name"] for p in operation["parameters"]} == {"format", "updated_since"}
    line = schema["components"]["schemas"]["RegisterLine"]
    from complaints.selectors.register import COLUMNS

    assert sorted(line["properties"]) == sorted(COLUMNS)


def test_a_staff_member_without_a_token_uses_the_session(client, operator):
    file_case(filer=UserFactory(), kind="training_objection", remedies=[], locations=[],
              training_uses=["training"])
    client.force_login(operator)
    response = client.get(URL)
    assert response.status_code == 200 and len(body(response).splitlines()) == 1
