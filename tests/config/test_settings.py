"""Production settings: refuse to start without secrets, pass check --deploy."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env_overrides={"ALLOWED_HOSTS": "kotae.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides={"SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-value-9f8e7d",
                       "ALLOWED_HOSTS": "kotae.example"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_redis_password_never_reaches_the_log():
    from config.cache import cache_pause

    pause = cache_pause("redis://:s3cret-pw@redis.internal:6379/0")
    assert "s3cret-pw" not in pause.what and "redis.internal:6379/0" in pause.what


@pytest.mark.django_db
def test_postgresql_connections_compile_no_plan_just_in_time():
    """A plan costed over PostgreSQL's JIT threshold (the case page's related cases, on a
    million cases) spent 29 ms compiling to run in 6 (issue 20): the desk's connections
    turn JIT off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's (.ci/run's pass on the production services runs this)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # Nor start parallel workers: 7 ms to start them for a 1 ms query (the same).
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.parametrize(("given", "expected"), [
    ("", "-c jit=off -c max_parallel_workers_per_gather=0"),
    # A setting whose name starts like one of them is not it.
    ("-c jit_above_cost=500000", "-c jit_above_cost=500000 -c jit=off "
                                 "-c max_parallel_workers_per_gather=0"),
    # What the URL sets wins; what it sets beside is kept.
    ("-c statement_timeout=5000 --jit=on", "-c statement_timeout=5000 --jit=on "
                                           "-c max_parallel_workers_per_gather=0"),
    ("-c max_parallel_workers_per_gather=2", "-c max_parallel_workers_per_gather=2 -c jit=off"),
])
def test_the_database_options_add_to_what_the_url_says(given, expected):
    from urllib.parse import quote

    code = ("from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS']['options'])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kotae"
                           + (f"?options={quote(given)}" if given else "")}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == expected, result.stderr
