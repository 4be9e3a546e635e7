"""The test suite: fast hashing, tasks run in-process unless a test says otherwise."""
import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL, DATABASES, KOTAE_QUEUES, REDIS_URL, VAR_DIR, env

INSTALLED_APPS = [*INSTALLED_APPS, "complaints.devtools"]  # noqa: F405 (bench and seed commands)
# Client.force_login takes the first backend: a session it starts passes the staff second
# factor (accounts/backends.py). Password logins never go through it. Never in production.
AUTHENTICATION_BACKENDS = ["accounts.backends.ForceLoginPassesSecondFactor",
                           *AUTHENTICATION_BACKENDS]  # noqa: F405
SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A real worker a test starts may say KOTAE_TEST_EAGER=false, so that what its tasks
# send goes to the broker, each on its queue, as in production.
CELERY_TASK_ALWAYS_EAGER = env.bool("KOTAE_TEST_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
KOTAE_WEBHOOK_ALLOW_HTTP = True  # the tests' receiver is http://127.0.0.1
KOTAE_WEBHOOK_PUBLIC_ONLY = False  # likewise; tests of the address check turn it on
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real worker process can share the test database;
    # one per test run, so that two runs on one machine do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Keep test messages apart from a development worker on the same broker, and the suite's
# processes apart from each other (pytest-xdist names them gw0, gw1, ...): each has its
# own queue, broker file and cache database, so one's real workers and cache.clear() never
# touch another's. (Its test database is its own already: a file per process id above;
# pytest-django adds the gw suffix on PostgreSQL.)
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_apart = f"-{XDIST_WORKER}" if XDIST_WORKER else ""
KOTAE_QUEUES = {carries: f"kotae-test{_apart}-{carries}" for carries in KOTAE_QUEUES}
CELERY_TASK_DEFAULT_QUEUE = KOTAE_QUEUES["bulk"]
if CELERY_BROKER_URL.startswith("sqlite"):  # the embedded broker: a file of the tests' own
    CELERY_BROKER_URL = f"sqlite:///{VAR_DIR / f'test-broker{_apart}.sqlite3'}"
if REDIS_URL and XDIST_WORKER.startswith("gw"):  # the broker keeps database 0
    _redis = urlsplit(REDIS_URL)
    CACHES["default"]["LOCATION"] = _redis._replace(
        path=f"/{1 + int(XDIST_WORKER[2:])}").geturl()
# A real worker started by a test writes its e-mails where the test can read them.
if env.str("KOTAE_TEST_EMAIL_DIR", default=""):  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    if env.str("KOTAE_TEST_EMAIL_PAUSE", default=""):  # noqa: F405
        EMAIL_BACKEND = "tests.support.mail.PausingEmailBackend"
    EMAIL_FILE_PATH = env.str("KOTAE_TEST_EMAIL_DIR")  # noqa: F405
# A real worker started by a test sends through the test's own SMTP server (the timeouts
# come from the environment too: KOTAE_SMTP_*_TIMEOUT, see base.py).
if env.int("KOTAE_TEST_SMTP_PORT", default=0):  # noqa: F405
    EMAIL_BACKEND = SMTP_EMAIL_BACKEND  # noqa: F405
    EMAIL_HOST, EMAIL_PORT = "127.0.0.1", env.int("KOTAE_TEST_SMTP_PORT")  # noqa: F405
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
