"""The schema matches what the API really does: schemathesis generates requests from
/api/v1/schema/ (valid and invalid ones) and runs all its built-in checks on the answers,
as an authenticated filer and anonymously. No 5xx, no answer that breaks the schema.

(Each operation is driven with hypothesis here rather than with schemathesis' pytest
plugin, whose fixture loader does not run on pytest 9.)
"""
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from accounts.services import api_token_create
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db
EXAMPLES = 20


@pytest.fixture
def api_schema(settings):
    settings.KOTAE_API_RATE = "1000000/min"  # quotas are tested elsewhere
    # The app runs in this thread on the test's own database connection, as Django's test
    # client does: it must not close that connection at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run_everything(schema, headers: dict) -> tuple[int, list[str]]:
    """Every operation, valid and invalid data; returns (requests made, failures)."""
    failures, calls = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=headers)

            try:
                check()
            except Exception as exc:  # collected, so one run reports every operation
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): "
                                f"{str(exc)[:1500]}")
    return calls, failures


def test_api_as_an_authenticated_filer(api_schema):
    filer = UserFactory(email="agent@example.com")
    file_case(filer=filer)
    _row, token = api_token_create(user=filer, name="schemathesis")
    calls, failures = run_everything(api_schema, {"Authorization": f"Bearer {token}"})
    assert failures == [], "\n\n".join(failures)
    assert calls > 100


def test_api_anonymously(api_schema):
    calls, failures = run_everything(api_schema, {})
    assert failures == [], "\n\n".join(failures)
    assert calls > 100
