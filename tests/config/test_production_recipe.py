"""The README's production recipe, started for real on this machine: the lines of
Procfile.production with the variables of deploy/production.env.example (each value the
test's own), on PostgreSQL (a database of the test's own), Redis (database 11), an S3 server
(moto) and an SMTP server (aiosmtpd). The one-time steps (migrate, collectstatic,
createsuperuser), then two web processes (two hosts: own port, own metrics directory, each
gunicorn with two workers), every worker the recipe lists (sweep, interactive, bulk,
webhooks) and one beat. Then, as people would, through the TLS proxy's headers: a creator
signs up and confirms, makes an API token, files through the API and through the portal
with evidence; the receipts arrive; the evidence is in the bucket and downloads back, from
the other host; a first-response clock that has passed is swept by beat and the late notice
and the desk's breach e-mail arrive; /healthz and /metrics answer.

Slow (about half a minute here): .ci/run runs it in the slow pass on PostgreSQL and
Redis. It needs DATABASE_URL to name a PostgreSQL server (it makes a database of its own
there, never using the one named) and REDIS_URL a Redis; elsewhere it is skipped, saying so.
"""
import os
import re
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg
import pytest
import redis
from botocore.config import Config
from moto.server import ThreadedMotoServer

from tests.complaints.portal import data as portal_data
from tests.factories import PNG_BYTES
from tests.support.production import (
    BASE_DIR,
    PASSED_ON,
    Processes,
    ThroughTheProxy,
    recipe_environ,
    recipe_processes,
    text_of,
    wait_until,
)
from tests.support.smtp import SlowMailServer, free_port, mail_server_start

HOST = "kotae.test"  # the public name the proxy sends
REDIS_DB = 11
WORKERS = ("sweep", "interactive", "bulk", "webhooks")
HEALTH_TOKEN, METRICS_TOKEN = "recipe-health-token", "recipe-metrics-token"  # noqa: S105
PASSWORD = "a-long-recipe-password-7"  # noqa: S105 - a test value
S3_KEYS = {"KOTAE_S3_ACCESS_KEY_ID": "kotae-test", "KOTAE_S3_SECRET_ACCESS_KEY": "not-a-secret"}
# What the test sets beyond deploy/production.env.example's variables, and why.
TEST_ONLY = {
    "KOTAE_S3_ENDPOINT_URL", "KOTAE_S3_ADDRESSING_STYLE", *S3_KEYS,  # moto, not AWS
    "STATIC_ROOT", "MEDIA_ROOT",  # not in the checkout; MEDIA_ROOT must stay empty
    "SWEEP_SECONDS",  # beat's sweep every 2 s rather than every minute
    "LOG_FORMAT",  # plain text, for a person reading a failure
}


class Timeline:
    def __init__(self):
        self.steps, self.started = [], time.monotonic()

    def step(self, name: str, since: float) -> None:
        self.steps.append((name, time.monotonic() - since))

    def __str__(self) -> str:
        lines = [f"  {seconds:6.1f} s  {name}" for name, seconds in self.steps]
        total = time.monotonic() - self.started
        return "\nproduction recipe timeline:\n" + "\n".join(lines) + f"\n  {total:6.1f} s  in all"


@pytest.fixture
def timeline(capsys):
    line = Timeline()
    yield line
    if line.steps:
        with capsys.disabled():
            print(line)


@pytest.fixture
def postgres_url():
    """A database of the test's own on DATABASE_URL's server, dropped afterwards."""
    configured = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not configured.scheme.startswith("postgres"):
        pytest.skip("the production recipe runs on PostgreSQL: set DATABASE_URL to a "
                    "PostgreSQL server (.ci/run's slow pass on the production services does)")
    name = f"kotae_recipe_{uuid.uuid4().hex[:12]}"
    server = configured._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield configured._replace(path=f"/{name}").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    """REDIS_URL's server, database 11 (the suite keeps 0-2, the soak 13), flushed before
    and after."""
    configured = urlsplit(os.environ.get("REDIS_URL", ""))
    if not configured.scheme.startswith("redis"):
        pytest.skip("the production recipe runs on Redis: set REDIS_URL (.ci/run's slow "
                    "pass on the production services does)")
    url = configured._replace(path=f"/{REDIS_DB}").geturl()
    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def bucket():
    """A moto S3 server on a free port and a bucket with "block public access"."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=S3_KEYS["KOTAE_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["KOTAE_S3_SECRET_ACCESS_KEY"],
        config=Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1},
                      s3={"addressing_style": "path"}))
    name = "kotae-evidence"
    client.create_bucket(Bucket=name)
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    yield endpoint, name, client
    server.stop()


@pytest.fixture
def mail():
    handler = SlowMailServer()
    controller, port = mail_server_start(handler)
    yield handler, port
    controller.stop()


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def e_mail(handler, *, to: str, subject_has: str, timeout: float = 30, processes=None):
    """The first e-mail to `to` whose subject has the text, waited for."""
    def found():
        return next((m for m in list(handler.received)
                     if m["To"] == to and subject_has in subject(m)), None)
    return wait_until(found, timeout=timeout, what=f"e-mail to {to} with {subject_has!r}",
                      report=lambda: "received: " + repr([subject(m) for m in handler.received])
                      + "\n" + (processes.report() if processes else ""))


def manage(env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, f"manage.py {args[0]}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"


def health(port: int, token: str = "") -> tuple[int, dict]:
    web = ThroughTheProxy(port, HOST)
    answer = web.get("/healthz", headers={"Authorization": f"Bearer {token}"} if token else {})
    return answer.status_code, answer.json()


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.timeout(240)
def test_the_production_recipe_files_sweeps_and_delivers(
        tmp_path, timeline, postgres_url, redis_url, bucket, mail, processes):
    endpoint, bucket_name, s3 = bucket
    inbox, smtp_port = mail
    example = recipe_environ()
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    values = {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": uuid.uuid4().hex * 2, "ALLOWED_HOSTS": HOST, "SITE_URL": f"https://{HOST}",
        "KOTAE_PROXY_COUNT": "1", "DATABASE_URL": postgres_url, "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEFAULT_FROM_EMAIL": "Kotae <desk@kotae.test>",
        "KOTAE_S3_BUCKET": bucket_name, "KOTAE_S3_REGION": "us-east-1",
        "KOTAE_HEALTH_TOKEN": HEALTH_TOKEN, "KOTAE_METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "KOTAE_VAR_DIR": str(tmp_path / "var"), "BIND": "127.0.0.1", "PORT": "0",
        # Small, for a 2-core machine: two web processes per host, one per worker.
        "WEB_CONCURRENCY": "2", **{f"{name.upper()}_CONCURRENCY": "1" for name in WORKERS},
        "KOTAE_S3_ENDPOINT_URL": endpoint, "KOTAE_S3_ADDRESSING_STYLE": "path", **S3_KEYS,
        "STATIC_ROOT": str(tmp_path / "static"), "MEDIA_ROOT": str(tmp_path / "media"),
        "SWEEP_SECONDS": "2", "LOG_FORMAT": "plain",
    }
    # Every variable of the example is given a value of the test's own, and the test sets
    # nothing else but what TEST_ONLY says: it starts the recipe's environment, not its own.
    assert set(example) == set(values) - TEST_ONLY
    env.update(values)

    # --- One-time steps -------------------------------------------------------------
    since = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    timeline.step("migrate (a new PostgreSQL database)", since)
    since = time.monotonic()
    manage(env, "collectstatic", "--noinput", "-v0")
    manage({**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--noinput",
           "--email", "desk@kotae.test", "--display_name", "Desk Lead")
    timeline.step("collectstatic, createsuperuser", since)

    # --- The recipe: two web hosts, every worker, one beat ----------------------------
    lines = recipe_processes()
    assert set(lines) == {"web", *WORKERS, "beat"}
    since = time.monotonic()
    web_ports = [free_port(), free_port()]
    # A counter file left by the last run of the host: gunicorn empties the directory.
    stale = tmp_path / "metrics-0" / "counter_99999.db"
    stale.parent.mkdir()
    stale.write_bytes(b"left over")
    for host, port in enumerate(web_ports):
        processes.start(f"web-{host}", lines["web"], {
            **env, "PORT": str(port), "BIND": "127.0.0.1",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-{host}"),
            "MEDIA_ROOT": str(tmp_path / f"media-{host}")})
    for name in (*WORKERS, "beat"):
        processes.start(name, lines[name], env)
    for port in web_ports:
        wait_until(lambda p=port: _answers(p), timeout=60, what=f"web on {port}",
                   report=processes.report)
    timeline.step("two web processes answer /healthz", since)
    assert not stale.exists()
    for name in WORKERS:
        wait_until(lambda n=name: " ready." in processes.log(n), timeout=60,
                   what=f"the {name} worker", report=lambda n=name: processes.report([n]))
    timeline.step("four workers ready (counted from the start too)", since)
    web_a, web_b = (ThroughTheProxy(port, HOST) for port in web_ports)

    # --- A creator signs up on one host and confirms on the other ------------------------
    since = time.monotonic()
    email = "aiko@studio-hoshizora.test"
    signed_up = web_a.post_form("/accounts/signup/", {
        "display_name": "Aiko Mori", "email": email, "password": PASSWORD,
        "language": "en", "time_zone": "Asia/Tokyo"})
    assert signed_up.status_code == 200, signed_up.text[-2000:]
    confirm = e_mail(inbox, to=email, subject_has="confirm your e-mail", processes=processes)
    link = re.search(rf"https://{re.escape(HOST)}(/accounts/verify/\S+)", body(confirm)).group(1)
    confirmed = web_b.get(link)
    assert confirmed.status_code == 302, confirmed.text[-3000:]  # confirmed and signed in
    timeline.step("sign-up; its confirmation e-mail arrives; confirmed", since)

    # An API token, made in the portal.
    made = web_b.post_form("/accounts/api-tokens/", {"name": "Studio scripts"})
    assert made.status_code == 302
    token = text_of(web_b.get("/accounts/api-tokens/"),
                    r'<code class="token" id="new-token">([^<]+)</code>')
    api = ThroughTheProxy(web_ports[0], HOST, client_address="198.51.100.20")
    api.headers["Authorization"] = f"Bearer {token}"

    # --- Filing through the API, with evidence -------------------------------------------
    since = time.monotonic()
    filed = api.post("/api/v1/cases/", json={
        "kind": "output_complaint", "title": "Recipe filing through the API", "law": "us_dmca",
        "postal_address": "1-2-3 Jingumae, Tokyo", "phone": "+81 3-1234-5678",
        "ai_product": "DreamReel video", "similarity": "The opening scene is copied.",
        "remedies": ["remove_output"],
        "works": [{"title": "Hoshizora Quest", "kind": "anime",
                   "rights_holder": "Studio Hoshizora"}],
        "locations": [{"url": "https://dreamreel.example/v/recipe"}],
        "good_faith_statement": True, "accuracy_statement": True, "signature": "Aiko Mori"})
    assert filed.status_code == 201, filed.text
    api_case = filed.json()["reference"]
    api_bytes = PNG_BYTES + b"api"
    added = api.post(f"/api/v1/cases/{api_case}/evidence/",
                     files={"file": ("frame-api.png", api_bytes, "image/png")})
    assert added.status_code == 201, added.text
    api_evidence = added.json()["id"]
    assert time.monotonic() - since < 5
    timeline.step("API: a case and its evidence filed (201, 201)", since)

    # --- Filing through the portal: log in on the other host, the form, CSRF ------------
    since = time.monotonic()
    browser = ThroughTheProxy(web_ports[1], HOST)
    logged_in = browser.post_form("/accounts/login/", {"username": email, "password": PASSWORD})
    assert logged_in.status_code == 302, logged_in.text[-2000:]
    portal_bytes = PNG_BYTES + b"portal"
    form = "/cases/new/output-complaint/"
    review = browser.post_form(
        form, portal_data.reviewing(portal_data.output_complaint(signature="Aiko Mori")),
        files=[("evidence", ("frame-0412.png", portal_bytes, "image/png"))])
    assert review.status_code == 200 and "data-review" in review.text, review.text[-2000:]
    # Only the review page sends: its hidden fields, with Send.
    sent = browser.post(form, data={**portal_data.review_form_data(review.text), "send": "1"})
    assert sent.status_code == 302, sent.text[-2000:]
    portal_case = re.search(r"/cases/(KT-[\d-]+)/filed/", sent.headers["Location"]).group(1)
    assert time.monotonic() - since < 5
    timeline.step("portal: login, the form with evidence, its review, Send (302)", since)

    # --- The receipts arrive ---------------------------------------------------------------
    since = time.monotonic()
    for reference in (api_case, portal_case):
        e_mail(inbox, to=email, subject_has=f"received your case ({reference})",
               processes=processes)
    timeline.step("both receipts at the mail server", since)

    # --- The evidence is in the bucket, not on either host's disk, and comes back ------
    since = time.monotonic()
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket_name).get("Contents", [])]
    stored = sorted(s3.get_object(Bucket=bucket_name, Key=key)["Body"].read() for key in keys)
    assert stored == sorted([api_bytes, portal_bytes])
    on_disk = [path for path in tmp_path.glob("media*/**/*") if path.is_file()]
    assert on_disk == []
    page = browser.get(f"/cases/{portal_case}/")
    portal_evidence = text_of(page, rf"/cases/{portal_case}/evidence/([0-9a-f-]{{36}})/")
    downloads = {  # each from the host that did not receive it
        api_bytes: browser.via(web_ports[1]).get(f"/cases/{api_case}/evidence/{api_evidence}/"),
        portal_bytes: browser.via(web_ports[0]).get(
            f"/cases/{portal_case}/evidence/{portal_evidence}/"),
    }
    for sent_bytes, answer in downloads.items():
        assert answer.status_code == 200 and answer.content == sent_bytes
        assert answer.headers["Content-Disposition"].startswith("attachment")
    timeline.step("evidence: in the bucket only; both downloaded back, bytes equal", since)

    # --- A clock passes; beat's sweep finds it --------------------------------------------
    # As time would: the first-response clock of the API case is moved a day into the past
    # (an operator's shell on the same database). Beat sends the sweep (every 2 s here,
    # SWEEP_SECONDS), the sweep worker writes the late notice and the breach e-mail, and the
    # bulk worker sends them.
    since = time.monotonic()
    manage(env, "shell", "-c", (
        "from datetime import timedelta; from django.utils import timezone; "
        "from complaints.models import Case, Deadline; "
        "past = timezone.now() - timedelta(days=1); "
        f"Deadline.objects.filter(case__reference='{api_case}', clock='first_response')"
        ".update(due_at=past, next_check_at=past); "
        f"Case.objects.filter(reference='{api_case}').update(next_due_at=past)"))
    e_mail(inbox, to=email, subject_has=f"late: our apologies ({api_case})",
           processes=processes)
    e_mail(inbox, to="desk@kotae.test", subject_has="Deadline missed", processes=processes)
    timeline.step("a passed clock swept by beat: late notice and breach e-mail arrive", since)

    # --- What a load balancer, a monitor and a scraper see --------------------------------
    since = time.monotonic()
    for port in web_ports:
        assert health(port) == (200, {"status": "ok"})
    status, details = health(web_ports[1], HEALTH_TOKEN)
    assert status == 200
    assert (details["database"], details["broker"], details["mail_server"]) == ("ok", "ok", "ok")
    assert set(details["queues"]) == set(WORKERS)
    assert all(isinstance(depth, int) for depth in details["queues"].values()), details
    assert web_a.get("/metrics").status_code == 403
    scrape = ThroughTheProxy(web_ports[0], HOST).get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scrape.status_code == 200
    assert 'kotae_queue_depth{queue="sweep"}' in scrape.text
    assert "kotae_http_requests_total{" in scrape.text
    # Staff must set up a second factor before the desk opens, in production too.
    desk = ThroughTheProxy(web_ports[0], HOST)
    password_step = desk.post_form("/accounts/login/", {"username": "desk@kotae.test",
                                                        "password": PASSWORD})
    assert password_step.status_code == 302
    assert password_step.headers["Location"].startswith("/accounts/two-factor/")
    assert desk.get("/admin/").status_code == 302  # not yet
    timeline.step("/healthz, its details, /metrics, the desk asks for a second factor", since)

    assert processes.dead() == [], processes.report(processes.dead())
    for name in processes.started:  # nothing logged as an error (the 403 above is a warning)
        assert not re.search(r"\bERROR\b|\bCRITICAL\b", processes.log(name, tail=10**7)), \
            processes.report([name])


def test_the_readme_shows_the_recipe_as_it_is():
    """The README's production section shows Procfile.production's lines, every one, as
    they are: what a reader copies is what the slow test above starts."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Running on PostgreSQL and Redis, with several workers")[1]
    shown = section.split("```procfile\n")[1].split("```")[0]
    assert recipe_processes() == dict(re.findall(r"^([\w-]+):\s*(.+)$", shown, re.MULTILINE))
    assert "deploy/production.env.example" in section


def _answers(port: int) -> bool:
    try:
        return health(port)[0] == 200
    except OSError:
        return False
