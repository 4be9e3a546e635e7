"""The suite runs on what the environment names, so a CI run on PostgreSQL and Redis
cannot silently fall back to SQLite and the embedded broker."""
import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_one_configured():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"
    assert connection.vendor == expected


def test_broker_is_the_one_configured():
    redis_url = os.environ.get("REDIS_URL", "")
    broker_url = os.environ.get("BROKER_URL", "") or redis_url
    if broker_url:
        assert settings.CELERY_BROKER_URL == broker_url
    else:  # the embedded broker: a SQLite file of its own, never the filesystem transport
        assert settings.CELERY_BROKER_URL.startswith("sqlite:////")
        assert settings.CELERY_BROKER_TRANSPORT == "config.broker:Transport"
    if redis_url:
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
