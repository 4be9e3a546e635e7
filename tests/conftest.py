import pytest

from tests.factories import UserFactory, staff_user

# `start_worker`: real Celery worker processes for a test.
pytest_plugins = ["tests.support.worker_fixtures"]


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
