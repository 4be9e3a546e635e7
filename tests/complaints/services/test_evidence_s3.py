"""Evidence in an S3-compatible bucket: a real S3 server (moto in server mode, on a free
port of this machine) that these tests start, and `STORAGES["default"]` built by
`config.storage.evidence_storage` from the variables production sets. Every check reads
the bucket itself through boto3, and the disk (`MEDIA_ROOT`) must stay empty."""
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import boto3
import imagehash
import pytest
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import api_token_create
from complaints.models import Case, Evidence, RegisterEntry, StagedUpload
from complaints.services.drafts import draft_keep_anonymous
from complaints.services.evidence import staged_uploads_purge
from config.storage import evidence_storage
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import reviewing, send
from tests.complaints.services.test_register import objection, picture_upload
from tests.factories import PNG_BYTES, file_case, png_upload

pytestmark = pytest.mark.django_db

KEYS = {"KOTAE_S3_ACCESS_KEY_ID": "kotae-test", "KOTAE_S3_SECRET_ACCESS_KEY": "not-a-secret"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    client: object

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def s3_environ(endpoint: str, bucket: str, **more) -> dict[str, str]:
    return {"KOTAE_S3_BUCKET": bucket, "KOTAE_S3_ENDPOINT_URL": endpoint,
            "KOTAE_S3_REGION": "us-east-1", "KOTAE_S3_ADDRESSING_STYLE": "path",
            **KEYS, **more}


@pytest.fixture
def bucket(s3_endpoint, settings):
    name = f"kotae-evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id=KEYS["KOTAE_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["KOTAE_S3_SECRET_ACCESS_KEY"],
        config=Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1},
                      s3={"addressing_style": "path"}))
    client.create_bucket(Bucket=name)
    # Changing STORAGES resets django's `storages` and `default_storage` (the evidence
    # FileFields hold that lazy object), so the next file goes to the bucket.
    settings.STORAGES = {**settings.STORAGES,
                         "default": evidence_storage(s3_environ(s3_endpoint, name))}
    return Bucket(name, client)


def nothing_on_disk(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def evidence_url(evidence) -> str:
    return reverse("complaints:evidence_download",
                   args=[evidence.case.reference, evidence.public_id])


def test_portal_evidence_is_in_the_bucket_for_its_filer_and_staff_only(
        client, creator, other_creator, operator, bucket, settings):
    client.force_login(creator)
    response = send(client, reverse("complaints:case_new", args=["output-complaint"]),
                    {**portal_data.output_complaint(),
                     "evidence": [png_upload("frame-0412.png")]})
    assert response.status_code == 302
    evidence = Case.objects.get().evidence.get()
    key = evidence.file.name
    assert bucket.keys() == [key] and bucket.body(key) == PNG_BYTES
    assert nothing_on_disk(settings)
    assert evidence.public_id.hex not in key  # not worked out from what the filer sees
    head = bucket.client.head_object(Bucket=bucket.name, Key=key)
    assert head["ContentType"] == "application/octet-stream"
    grantees = [grant["Grantee"] for grant in
                bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]]
    assert all(g.get("URI") not in (ALL_USERS, AUTHENTICATED_USERS) for g in grantees)
    assert [g["Type"] for g in grantees] == ["CanonicalUser"]  # the owner alone

    url = evidence_url(evidence)
    assert download(client, url) == PNG_BYTES
    client.force_login(other_creator)
    assert client.get(url).status_code == 404
    client.force_login(operator)
    desk = client.get(reverse("admin:complaints_case_change", args=[evidence.case.pk]))
    assert url in desk.content.decode()
    assert download(client, url) == PNG_BYTES


def test_api_evidence_is_in_the_bucket(creator, other_creator, client, bucket, settings):
    case = file_case(filer=creator)
    _row, token = api_token_create(user=creator, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post(f"/api/v1/cases/{case.reference}/evidence/",
                        {"file": png_upload()}, format="multipart")
    assert response.status_code == 201
    evidence = Evidence.objects.get(public_id=response.json()["id"])
    assert bucket.keys() == [evidence.file.name]
    assert bucket.body(evidence.file.name) == PNG_BYTES
    assert nothing_on_disk(settings)
    client.force_login(creator)
    assert download(client, evidence_url(evidence)) == PNG_BYTES
    client.force_login(other_creator)
    assert client.get(evidence_url(evidence)).status_code == 404


def test_a_staged_file_waits_in_the_bucket_and_becomes_the_evidence(
        client, creator, other_creator, bucket, settings):
    url = reverse("complaints:case_new", args=["output-complaint"])
    client.force_login(creator)
    response = send(client, url, {**portal_data.output_complaint(signature=""),
                          "evidence": [png_upload("frame-0412.png")]})
    assert response.status_code == 400
    staged = StagedUpload.objects.get(owner=creator)
    assert bucket.keys() == [staged.file.name] and nothing_on_disk(settings)
    staged_url = reverse("complaints:staged_download", args=[staged.public_id])
    assert download(client, staged_url) == PNG_BYTES
    client.force_login(other_creator)
    assert client.get(staged_url).status_code == 404

    client.force_login(creator)
    response = send(client, url, {**portal_data.output_complaint(),
                          "staged": [str(staged.public_id)]})
    assert response.status_code == 302
    evidence = Case.objects.get().evidence.get()
    assert evidence.file.name == staged.file.name and bucket.keys() == [staged.file.name]
    assert not StagedUpload.objects.exists()
    assert download(client, evidence_url(evidence)) == PNG_BYTES


def test_the_purge_deletes_the_objects_of_filings_never_sent(client, creator, bucket):
    client.force_login(creator)
    send(client, reverse("complaints:case_new", args=["output-complaint"]),
         {**portal_data.output_complaint(signature=""), "evidence": [png_upload()]})
    kept = file_case(filer=creator, uploads=[png_upload()]).evidence.get()
    assert len(bucket.keys()) == 2
    assert staged_uploads_purge() == 0  # still fresh
    StagedUpload.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert staged_uploads_purge() == 1
    assert bucket.keys() == [kept.file.name]  # the filed case's evidence stays


def test_an_anonymous_drafts_files_go_with_the_draft(bucket, settings):
    first = draft_keep_anonymous(public_id=None, path="/file/output-complaint/",
                                 data={"title": ["Scene copied"]}, uploads=[png_upload()])
    assert first.kept == ["frame.png"] and len(bucket.keys()) == 1
    # The same session on another filing page: the old draft and its file are dropped.
    draft_keep_anonymous(public_id=str(first.draft.public_id), path="/file/inquiry/",
                         data={"title": ["A question"]}, uploads=[])
    assert bucket.keys() == [] and nothing_on_disk(settings)


def test_reference_images_are_hashed_from_the_bucket(creator, bucket):
    case = objection(filer=creator, uploads=[picture_upload()])
    assert bucket.keys() == [case.evidence.get().file.name]
    expected = str(imagehash.phash(Image.open(picture_upload())))
    assert RegisterEntry.objects.filter(case=case).first().image_hashes == [expected]


def test_a_store_that_never_answers_costs_seconds_not_minutes(settings):
    """A server that takes the connection and never answers: the upload fails after
    about two reads' timeouts (and a retry's back-off), rather than hanging."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.STORAGES = {**settings.STORAGES, "default": evidence_storage(s3_environ(
            endpoint, "kotae-evidence", KOTAE_S3_READ_TIMEOUT="0.5"))}
        started = time.monotonic()
        with pytest.raises(Exception, match="(?i)timeout|timed out") as failed:
            default_storage.save("evidence/aa/silent", ContentFile(PNG_BYTES))
        assert time.monotonic() - started < 6, failed.value


def test_a_store_that_is_down_is_a_clear_answer_not_a_500(
        client, creator, bucket, settings):
    case = file_case(filer=creator, uploads=[png_upload()])
    with socket.socket() as closed:  # a port nothing listens on: connections are refused
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}"
    settings.STORAGES = {**settings.STORAGES,
                         "default": evidence_storage(s3_environ(down, bucket.name))}
    client.force_login(creator)
    response = client.get(evidence_url(case.evidence.get()))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "cannot be fetched just now" in response.content.decode()

    response = client.post(reverse("complaints:case_new", args=["output-complaint"]),
                           reviewing({**portal_data.output_complaint(),
                                      "evidence": [png_upload("frame-0412.png")]}))
    html = response.content.decode()
    assert response.status_code == 200 and "data-review" in html  # nothing sent yet
    assert html.count("“frame-0412.png” could not be stored just now") == 1
    assert Case.objects.count() == 1  # nothing filed without its file

    _row, token = api_token_create(user=creator, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post(f"/api/v1/cases/{case.reference}/evidence/",
                        {"file": png_upload()}, format="multipart")
    assert response.status_code == 503 and response.json()["code"] == "store_unavailable"
    assert case.evidence.count() == 1


def test_without_a_bucket_evidence_stays_on_disk():
    assert evidence_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    chosen = evidence_storage({"KOTAE_S3_BUCKET": "kotae-evidence"})
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    config = chosen["OPTIONS"]["client_config"]
    assert (config.connect_timeout, config.read_timeout) == (2.0, 10.0)
    assert chosen["OPTIONS"]["default_acl"] == "private"
    with pytest.raises(ImproperlyConfigured, match="KOTAE_S3_ADDRESSING_STYLE"):
        evidence_storage({"KOTAE_S3_BUCKET": "b", "KOTAE_S3_ADDRESSING_STYLE": "sideways"})
    with pytest.raises(ImproperlyConfigured, match="KOTAE_S3_READ_TIMEOUT"):
        evidence_storage({"KOTAE_S3_BUCKET": "b", "KOTAE_S3_READ_TIMEOUT": "forever"})
