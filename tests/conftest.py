import os
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory, staff_user

# `start_worker`: real Celery worker processes for a test.
pytest_plugins = ["tests.support.worker_fixtures"]

# Hypothesis: "dev" for `make test`; HYPOTHESIS_PROFILE=ci tries many more examples (the
# business-time properties 5 times as many, schemathesis more per API operation).
hypothesis_settings.register_profile("dev", max_examples=60, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=300, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def shared_rows(django_db_setup, django_db_blocker):
    """For a module- (or class-) scoped fixture whose rows are costly and its tests only
    need to start from: `with shared_rows(build) as value: yield value`.

    build() runs once in a transaction that stays open while the tests run; each test runs
    in a savepoint of its own inside it (pytest-django's `db`), so what a test changes is
    undone before the next, and the rows themselves are rolled back after the last. Every
    test of that scope sees the rows: keep tests that need an empty database out of it, and
    those with transactional_db or live_server. (Class scope holds for tests in a class;
    for module-level test functions pytest makes it per test.)"""
    @contextmanager
    def shared(build):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                value = build()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        try:
            yield value
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return shared


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def creator(db):
    return UserFactory(email="hanako@example.com", display_name="Hanako Yamada")


@pytest.fixture
def other_creator(db):
    return UserFactory(email="taro@example.com", display_name="Taro Suzuki")


@pytest.fixture
def operator(db):
    return staff_user(email="olivia@kotae.example", display_name="Olivia Operator")


@pytest.fixture
def supervisor(db):
    return staff_user(role="supervisor", email="sato@kotae.example", display_name="Sato")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run after-commit callbacks (e-mail delivery) as a real commit would."""
    def run():
        return django_capture_on_commit_callbacks(execute=True)
    return run


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_pauses():
    """A broker or Redis failure in one test pauses hand-offs or the cache for a few
    seconds (config/pause.py); the next test starts without."""
    from complaints.services.enqueue import broker_pause
    from config.cache import cache_pauses_end

    yield
    broker_pause().end()
    cache_pauses_end()


@pytest.fixture(autouse=True)
def _default_language():
    """A page read in Japanese leaves Japanese active in the thread; the next test starts
    from the default language again."""
    from django.utils import translation

    yield
    translation.deactivate()
