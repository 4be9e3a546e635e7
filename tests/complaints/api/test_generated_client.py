"""A client generated from the API's schema by openapi-python-client files a case: the
schema (JSON and YAML) is what a filing agent's tooling reads, so it must generate a
working client. The generator runs offline (no post-hooks: no formatter to find)."""
import importlib
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import yaml

from accounts.services import api_token_create
from complaints.models import Case
from tests.complaints.api.test_api import complaint

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "kotae_client"
GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
KINDS = {"output_complaint", "training_objection", "inquiry"}


def fetch(live_server, path: str, **headers) -> httpx.Response:
    response = httpx.get(f"{live_server.url}{path}", headers=headers, timeout=30)
    response.raise_for_status()
    return response


@pytest.fixture
def generated_client(live_server, tmp_path, monkeypatch):
    """The client package, generated from the schema the live server publishes."""
    schema = fetch(live_server, "/api/v1/schema/", Accept="application/vnd.oai.openapi+json")
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text(
        f"post_hooks: []\nproject_name_override: kotae-client\n"
        f"package_name_override: {PACKAGE}\n")
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--config", "config.yaml",
         "--meta", "none", "--output-path", PACKAGE],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield importlib.import_module(PACKAGE)
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_the_yaml_schema_maps_each_kind_by_name(live_server):
    schema = yaml.safe_load(fetch(live_server, "/api/v1/schema/").text)
    mapping = schema["components"]["schemas"]["CaseCreateRequest"]["discriminator"]["mapping"]
    assert set(mapping) == KINDS  # never {None: …}, which the generator refuses


def test_a_generated_client_files_a_case(generated_client, live_server, creator):
    from kotae_client.api.cases import cases_create
    from kotae_client.models import CaseCreated, OutputComplaintInRequest

    _row, token = api_token_create(user=creator, name="generated client")
    client = generated_client.AuthenticatedClient(
        base_url=live_server.url, token=token, timeout=httpx.Timeout(30),
        raise_on_unexpected_status=True)
    sent = complaint(title="Generated client: video copies Hoshino Aki")
    body = OutputComplaintInRequest.from_dict(sent)
    with client:
        response = cases_create.sync_detailed(client=client, body=body,
                                              idempotency_key=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    assert isinstance(response.parsed, CaseCreated)  # a detail, with what was merged
    reference = response.parsed.reference
    assert reference and reference.startswith("KT-")

    case = Case.objects.get(reference=reference)
    assert (case.filer, case.kind, case.title) == (creator, "output_complaint", sent["title"])
    assert (case.ai_product, case.ai_model, case.similarity, case.remedies) == (
        sent["ai_product"], sent["ai_model"], sent["similarity"], sent["remedies"])
    assert [(w.title, w.kind, w.rights_holder) for w in case.works.all()] == [
        ("Hoshizora Quest", "anime", "Studio Hoshizora")]
    [location] = case.locations.all()
    assert location.url == sent["locations"][0]["url"]
    assert location.seen_at == datetime.fromisoformat(sent["locations"][0]["seen_at"])
    assert case.signature == "Hanako Yamada" and case.accuracy_statement
