"""Settings shared by every environment, read from the environment in one place.

dev.py, test.py and prod.py hold only their deltas. Every variable is listed in the
README with its development and production default.
"""
import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.logs import logging_config
from config.storage import evidence_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("KOTAE_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

# --- Core --------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails: SITE_URL when set, else the port `make run` serves on (PORT).
SITE_URL = env.str(
    "SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")

INSTALLED_APPS = [
    "config.admin.KotaeAdminConfig",  # django.contrib.admin with the desk's screens
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the docs' JavaScript served from here, not a CDN
    # Staff two-factor: authenticator-app codes (TOTP) and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",  # the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    "accounts",
    "complaints",
    "accounts.throttling_app.LoginThrottlingConfig",  # django-axes (README "Login throttling")
]

MIDDLEWARE = [
    # A request id for every log line of the request, given back in X-Request-ID (config/logs.py).
    "config.logs.RequestIdMiddleware",
    # Requests by view, method and status, and their latency, for /metrics (config/metrics.py).
    "config.metrics.RequestMetricsMiddleware",
    # Then, so every answer (static files, the 400s below, error pages) has the policy.
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.bodies.BodyAllowanceMiddleware",  # a filing page's own allowance: config/bodies.py
    # NUL and other impossible input: 400 here, before any view (in the reader's language).
    "config.middleware.ImpossibleInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's: the user read with the session
    "accounts.middleware.StaffSessionMiddleware",
    # django-otp's OTPMiddleware (request.user.is_verified()), after the staff session check.
    "accounts.middleware.SecondFactorMiddleware",
    # A password alone opens only the second step (and the API sees a visitor).
    "accounts.middleware.SecondStepMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked login into the "login paused" page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# PostgreSQL in production; a SQLite file on a laptop when DATABASE_URL is unset.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL and IMMEDIATE transactions avoid
    # "database is locked" when two processes write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # libpq waits as long as the operating system lets it (minutes for a host that does not
    # answer); a request gives up after 5 s (README "Every wait bounded"), unless the URL says.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # No JIT (a desk query spent 29 ms compiling to run in 6) and no parallel workers (7 ms
    # to start for a 1 ms query; the report's figures take 3.5 s, not 3.1): README "Speed".
    options = DATABASES["default"]["OPTIONS"].get("options", "")
    for name, value in (("jit", "off"), ("max_parallel_workers_per_gather", "0")):
        if not re.search(rf"(-c\s*|--){name}=", options):  # DATABASE_URL's ?options= win
            options = f"{options} -c {name}={value}".strip()
    DATABASES["default"]["OPTIONS"]["options"] = options
    # The case page's compiled queries (config/queries.py) are prepared on the
    # server; Django's own cursors bind on the client and never are. DATABASE_PREPARED=false
    # for a pooler that cannot keep prepared statements (PgBouncer before 1.21).
    if env.bool("DATABASE_PREPARED", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORM_RENDERER = "config.form_renderer.Widgets"

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "complaints:case_list"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Staff two-factor (accounts/two_factor.py): the name apps show; 30-second steps allowed.
OTP_TOTP_ISSUER = "Kotae"
KOTAE_TOTP_TOLERANCE = 1
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},  # OWASP ASVS 2.1.1
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes; README "Login throttling"). Its backend comes before
# the passwords' backend (ModelBackend, its user read compiled: accounts/backends.py) and
# refuses a locked user+address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.UserBackend"]
# Attempts are database rows, shared by every web process (a laptop's cache is not).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Locked: this account name from this address, never the account everywhere (so nobody can
# lock a known user out) nor the address for everyone (an office behind one address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("KOTAE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("KOTAE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Tries during a lock neither count nor lengthen it, so the time on the page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"  # the login forms' field (an e-mail address)
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_network"  # IPv6: per /64
AXES_LOCKOUT_CALLABLE = "accounts.views.login_paused"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login (User.last_login is kept)
AXES_ENABLE_ADMIN = False  # accounts/admin.py shows the attempts, to superusers only
AXES_VERBOSE = False
# Password-reset requests: so many per address asked for, and per client address, an hour.
KOTAE_PASSWORD_RESET_PER_EMAIL = env.int("KOTAE_PASSWORD_RESET_PER_EMAIL", default=3)
KOTAE_PASSWORD_RESET_PER_IP = env.int("KOTAE_PASSWORD_RESET_PER_IP", default=20)
# Proxies in front of the web processes that append to X-Forwarded-For (config/client_ip.py).
KOTAE_PROXY_COUNT = env.int("KOTAE_PROXY_COUNT", default=0)
# Days the signed link in an e-mail to an output's owner opens their page (services/owners).
KOTAE_OWNER_LINK_DAYS = env.int("KOTAE_OWNER_LINK_DAYS", default=30)

# --- Language and time -------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Who speaks: the signature block of every e-mail -------------------------
# The company that runs the desk and its name, per language (ja falls back to en).
KOTAE_COMPANY_NAME = {"en": env.str("COMPANY_NAME", default="Kotae Demo Inc.")}
KOTAE_COMPANY_NAME["ja"] = env.str("COMPANY_NAME_JA", default=KOTAE_COMPANY_NAME["en"])
KOTAE_DESK_NAME = {"en": env.str("DESK_NAME", default="Creator and Rights Holder Desk"),
                   "ja": env.str("DESK_NAME_JA", default="クリエイター・権利者窓口")}

# --- Static and uploaded files -----------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from (a test points it elsewhere).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded evidence is never served by URL: only through access-checked views.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    # Evidence: an S3-compatible bucket when KOTAE_S3_BUCKET is set (KOTAE_S3_ENDPOINT_URL,
    # KOTAE_S3_REGION, KOTAE_S3_ADDRESSING_STYLE, keys from the environment), else MEDIA_ROOT.
    "default": evidence_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
KOTAE_MAX_UPLOAD_BYTES = env.int("KOTAE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
KOTAE_MAX_CASE_UPLOAD_BYTES = env.int("KOTAE_MAX_CASE_UPLOAD_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Drafts of a filing kept before login (a session that ended while typing): small, and few
# in all; every file's size is checked before it is written (complaints/services/drafts.py).
KOTAE_ANONYMOUS_DRAFT_TEXT_BYTES = env.int("KOTAE_ANONYMOUS_DRAFT_TEXT_BYTES", default=64 * 1024)
KOTAE_ANONYMOUS_DRAFT_FILES = env.int("KOTAE_ANONYMOUS_DRAFT_FILES", default=3)
KOTAE_ANONYMOUS_DRAFT_BYTES = env.int("KOTAE_ANONYMOUS_DRAFT_BYTES", default=10 * 1024 * 1024)
# All drafts of visitors not logged in, together, over the last 24 hours (text and files).
KOTAE_ANONYMOUS_DRAFTS_BYTES_PER_DAY = env.int(
    "KOTAE_ANONYMOUS_DRAFTS_BYTES_PER_DAY", default=1024 * 1024 * 1024
)
# What one account may stage (files kept for a form not yet sent) in one day.
KOTAE_STAGED_FILES_PER_DAY = env.int("KOTAE_STAGED_FILES_PER_DAY", default=100)
KOTAE_STAGED_BYTES_PER_DAY = env.int("KOTAE_STAGED_BYTES_PER_DAY", default=500 * 1024 * 1024)
# API bodies that file (else 413; 10,000 URLs of 1,000 chars fit); API drafts' lifetime.
KOTAE_API_CREATE_MAX_BYTES = env.int("KOTAE_API_CREATE_MAX_BYTES", default=20 * 1024 * 1024)
KOTAE_API_DRAFT_DAYS = env.int("KOTAE_API_DRAFT_DAYS", default=7)
# Webhook URLs may be http:// for development and tests only; https:// in production.
KOTAE_WEBHOOK_ALLOW_HTTP = env.bool("KOTAE_WEBHOOK_ALLOW_HTTP", default=False)
# Webhooks reach only the public internet: a host is looked up at registration and at
# every delivery, and refused if any of its addresses is private, loopback, metadata...
# Off only for tests whose receiver is on 127.0.0.1; always on in production.
KOTAE_WEBHOOK_PUBLIC_ONLY = env.bool("KOTAE_WEBHOOK_PUBLIC_ONLY", default=True)
KOTAE_DSA_DB_URL = env.str("KOTAE_DSA_DB_URL", default="")  # unset: statements not sent
KOTAE_DSA_DB_TOKEN = env.str("KOTAE_DSA_DB_TOKEN", default="")  # (services/dsa_statements)
KOTAE_ENFORCEMENT_DUE_HOURS = env.int("KOTAE_ENFORCEMENT_DUE_HOURS", default=24)  # then overdue

# --- E-mail ------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kotae <kotae@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# smtp:// URLs go through Django's SMTP backend with a timeout per phase, after RFC 5321
# §4.5.3.2 (complaints/services/outbox/smtp.py says why each is what it is). The final
# reply after the message keeps the RFC's 10 minutes: one that times out is "uncertain",
# not failed, and is tried again only after KOTAE_EMAIL_UNCERTAIN_RETRY_SECONDS, with the
# same Message-ID. The delivery tasks' time limits are sized from these (complaints/tasks.py).
SMTP_EMAIL_BACKEND = "complaints.services.outbox.smtp.EmailBackend"
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_CONFIG["EMAIL_BACKEND"] = SMTP_EMAIL_BACKEND
vars().update(EMAIL_CONFIG)
KOTAE_SMTP_CONNECT_TIMEOUT = env.float("KOTAE_SMTP_CONNECT_TIMEOUT", default=10.0)
KOTAE_SMTP_COMMAND_TIMEOUT = env.float("KOTAE_SMTP_COMMAND_TIMEOUT", default=60.0)
KOTAE_SMTP_DATA_TIMEOUT = env.float("KOTAE_SMTP_DATA_TIMEOUT", default=60.0)
KOTAE_SMTP_FINAL_REPLY_TIMEOUT = env.float("KOTAE_SMTP_FINAL_REPLY_TIMEOUT", default=600.0)
KOTAE_EMAIL_UNCERTAIN_RETRY_SECONDS = env.float("KOTAE_EMAIL_UNCERTAIN_RETRY_SECONDS",
                                                default=3600.0)
EMAIL_TIMEOUT = KOTAE_SMTP_CONNECT_TIMEOUT  # Django's own SMTP backend, if one is named

# --- Broker, cache, Celery ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The broker is Redis when REDIS_URL is set; BROKER_URL may name another (RabbitMQ).
BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL
# Every wait bounded (README "Every wait bounded"): Redis answers in a millisecond, so a
# cache call that waits a quarter of a second has met a Redis that is down or frozen. It
# then goes without Redis for KOTAE_CACHE_PAUSE_SECONDS (config/cache.py), so one request
# in that time pays the wait, not every request.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
KOTAE_CACHE_PAUSE_SECONDS = 10.0
# Redis as broker: kombu's default is to wait for ever for an answer (a publish on a
# frozen Redis never returned). One second for any command; the web's hand-off after
# commit also has a deadline of its own (KOTAE_HANDOFF_SECONDS). Redis redelivers
# unacknowledged tasks after the visibility timeout; deadlines never rely on ETAs.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600, "socket_connect_timeout": 0.5, "socket_timeout": 1.0,
}
# RabbitMQ (py-amqp): the connection and its handshake are bounded by
# CELERY_BROKER_CONNECTION_TIMEOUT (below); reads and writes on the socket by these.
AMQP_BROKER_TRANSPORT_OPTIONS = {"read_timeout": 1.0, "write_timeout": 1.0}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.KotaeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kotae",
            "OPTIONS": dict(REDIS_CACHE_OPTIONS),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if BROKER_URL:
    CELERY_BROKER_URL = BROKER_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = (
        dict(AMQP_BROKER_TRANSPORT_OPTIONS) if BROKER_URL.startswith(("amqp", "pyamqp"))
        else dict(REDIS_BROKER_TRANSPORT_OPTIONS))
else:
    # The embedded broker: a SQLite file of its own that web, worker and beat share, through
    # kombu's SQLAlchemy transport (config/broker.py says why, and what it adds). Nothing to
    # install or to leave running; each message is committed whole.
    BROKER_FILE = VAR_DIR / "broker.sqlite3"
    CELERY_BROKER_URL = f"sqlite:///{BROKER_FILE}"
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": 0.1}
# The web's hand-off after commit (complaints/services/enqueue.py) gives up after this
# long, whatever the broker does, and leaves the row to the relay; after a failure it
# sends nothing for KOTAE_BROKER_PAUSE_SECONDS, so a broker that is down costs one request
# in that time a second, not every request.
KOTAE_HANDOFF_SECONDS = 1.0
KOTAE_BROKER_PAUSE_SECONDS = 10.0

# The queues, by urgency, and which task goes to which (by task name): the one table of
# routes, read by config.celery's router (README, "Queues by urgency"). A sweep is never
# behind an e-mail batch, a receipt never behind a digest, and a webhook receiver that
# answers slowly or never holds up no e-mail. Every task has a route (a test checks); one
# without would go to "bulk", where lateness hurts least. The test settings give each test
# process queues of its own.
KOTAE_QUEUES = {
    "sweep": "sweep",  # the deadline sweep, the relays and the rest of beat's housekeeping
    "interactive": "interactive",  # e-mails a person is waiting for, one per task
    "bulk": "bulk",  # the sweep's batches of e-mail, digests, summaries
    "webhooks": "webhooks",
}
KOTAE_TASK_QUEUES = {
    "complaints.tasks.deadlines_sweep_task": "sweep",
    "complaints.tasks.notifications_sweep": "sweep",  # the e-mail relay: only re-enqueues
    "complaints.tasks.webhooks_relay": "sweep",  # likewise
    "complaints.tasks.staff_digests_task": "sweep",  # writes the digests; "bulk" sends them
    "complaints.tasks.failed_emails_summary_task": "sweep",  # likewise
    "complaints.tasks.staged_uploads_purge_task": "sweep",
    "complaints.tasks.sessions_clear_task": "sweep",
    "complaints.tasks.transparency_refresh_task": "sweep",
    "complaints.tasks.notification_deliver_task": "interactive",
    "complaints.tasks.notifications_deliver_many_task": "bulk",
    "complaints.tasks.webhook_deliver_task": "webhooks",
    "complaints.tasks.dsa_statement_deliver_task": "webhooks",  # a POST, as webhooks
}
CELERY_TASK_DEFAULT_QUEUE = KOTAE_QUEUES["bulk"]
CELERY_TASK_ROUTES = ["config.celery.task_route"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
# How often beat runs the deadline sweep and the outbox relay (a test shortens it).
SWEEP_SECONDS = env.float("SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    # The outbox sweep: anything not delivered after commit (broker or mail
    # server down) is sent from here.
    "notifications-sweep": {
        "task": "complaints.tasks.notifications_sweep",
        "schedule": SWEEP_SECONDS,
    },
    # Webhook and DSA statement retries, and what missed the hand-over after commit.
    "webhooks-relay": {
        "task": "complaints.tasks.webhooks_relay",
        "schedule": SWEEP_SECONDS,
    },
    "deadlines-sweep": {
        "task": "complaints.tasks.deadlines_sweep_task",
        "schedule": SWEEP_SECONDS,
    },
    "staff-digests": {
        "task": "complaints.tasks.staff_digests_task",
        "schedule": 300.0,
    },
    # E-mails out of attempts, told to the supervisors: its key allows one an hour.
    "failed-emails-summary": {
        "task": "complaints.tasks.failed_emails_summary_task",
        "schedule": 300.0,
    },
    "staged-uploads-purge": {"task": "complaints.tasks.staged_uploads_purge_task",
                             "schedule": 3600.0},
    "sessions-clear": {"task": "complaints.tasks.sessions_clear_task", "schedule": 3600.0},
    # The public transparency figures (the page reads the last stored snapshot).
    "transparency-refresh": {
        "task": "complaints.tasks.transparency_refresh_task",
        "schedule": 900.0,
    },
}

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "accounts.sessions"  # Django's database sessions, read by one SQL statement
# Staff sessions end after this long idle, and this long at most (accounts.middleware).
KOTAE_STAFF_SESSION_IDLE = timedelta(minutes=30)
KOTAE_STAFF_SESSION_MAX = timedelta(hours=12)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The Content-Security-Policy on every response (django-csp's middleware, first in
# MIDDLEWARE). Nothing inline runs: every script is a file under /static/ (the API docs'
# start-up script too: complaints/api/docs.py). A violation is reported to /csp-report/
# (config/csp_report.py), which logs one line per report.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Anything not named below: this origin only.
        "default-src": ["'self'"],
        # Scripts: files from this origin only; no inline script, no event-handler
        # attribute, no javascript: URL, no eval.
        "script-src": ["'self'"],
        # Stylesheets from this origin only, and no 'unsafe-inline': no <style> element and
        # no style="" attribute in our pages (their rules are in desk.css, site.css);
        # Django's admin and Swagger UI set styles through the DOM (element.style), which
        # the policy allows.
        "style-src": ["'self'"],
        # Images from this origin only (no data: URLs; the API docs page alone adds them for
        # Swagger UI's icons, complaints/api/docs.py). A QR code drawn as inline <svg>
        # markup is no image fetch and needs nothing here.
        "img-src": ["'self'"],
        # Fonts from this origin only (the sites use the system's fonts).
        "font-src": ["'self'"],
        # fetch/XHR only to this origin (the API docs fetch the schema and try requests).
        "connect-src": ["'self'"],
        # No plugins (<object>, <embed>).
        "object-src": ["'none'"],
        # No <base> element may move relative links elsewhere.
        "base-uri": ["'none'"],
        # No page of ours may be framed (X-Frame-Options: DENY says the same to old browsers).
        "frame-ancestors": ["'none'"],
        # Forms post to this origin only.
        "form-action": ["'self'"],
        # Where browsers report a violation.
        "report-uri": "/csp-report/",
    },
}
# Email verification and password-reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "complaints.api.authentication.ApiTokenAuthentication",
        "complaints.api.authentication.SessionAuthentication",  # with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["complaints.api.throttling.ApiQuotaThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["complaints.api.filtering.ListFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["complaints.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "complaints.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests a minute per API token (or per signed-in browser); beyond it, 429.
KOTAE_API_RATE = env.str("KOTAE_API_RATE", default="600/min")
# Requests with a wrong or unknown token from one client address: beyond so many in a
# window, 429 until the window ends (complaints/api/throttling.py).
KOTAE_API_BAD_TOKEN_LIMIT = env.int("KOTAE_API_BAD_TOKEN_LIMIT", default=10)
KOTAE_API_BAD_TOKEN_WINDOW = 300
# /healthz gives its details (database, broker, the outbox's figures) to signed-in staff and
# to a caller sending `Authorization: Bearer <this>` (a monitor); unset, to staff only.
KOTAE_HEALTH_TOKEN = env.str("KOTAE_HEALTH_TOKEN", default="")
SPECTACULAR_SETTINGS = {
    "TITLE": "Kotae API",
    "DESCRIPTION": "File and follow copyright complaints, training objections, inquiries "
                   "and appeals. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Enums stay inline where they are used (a statement's `enum: [true]` included).
    "POSTPROCESSING_HOOKS": [f"complaints.api.schema.{hook}" for hook in (
        "request_bodies_required", "filing_rules_beyond_fields", "parameters_hold_no_nul",
        "blank_text_is_one_schema", "draft_change_fits_its_kind")],
}

# --- Logging, metrics, error reporting (README "A desk you can watch") ----------------
# One line per record: plain text on a laptop, JSON in production (prod.py), with the
# request id (config/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# /metrics (config/metrics.py) for staff who passed the second factor and for a scraper
# sending `Authorization: Bearer <this>`; unset, staff only.
KOTAE_METRICS_TOKEN = env.str("KOTAE_METRICS_TOKEN", default="")
# Errors to Sentry when set (config/sentry.py; dev.py and prod.py start it); never a
# request body.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development")

# A broker that is down must not hold a web request for long: the outbox row waits
# and the relay sends it. The connection timeout bounds kombu's attempts to connect, all
# together (and RabbitMQ's connect and handshake); a publish is retried once, for a pooled
# connection the broker closed when it restarted; KOTAE_HANDOFF_SECONDS cuts the whole.
CELERY_BROKER_CONNECTION_TIMEOUT = 0.75
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
