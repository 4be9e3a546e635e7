"""Production: refuses to start without its secrets; passes check --deploy."""
from django.core.exceptions import ImproperlyConfigured

from config.logs import logging_config
from config.sentry import sentry_init

from .base import *  # noqa: F403
from .base import AUTHENTICATION_BACKENDS, LOG_LEVEL, SENTRY_DSN, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: ImproperlyConfigured when unset
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
KOTAE_WEBHOOK_PUBLIC_ONLY = True  # webhooks never reach the network behind the server

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The TLS proxy in front appends the client's address to X-Forwarded-For (config/client_ip.py).
KOTAE_PROXY_COUNT = env.int("KOTAE_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer and Prometheus ask each host over plain HTTP (sending the site's Host).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_CONFIG["EMAIL_BACKEND"] = SMTP_EMAIL_BACKEND  # noqa: F405 (timeouts per phase)
vars().update(EMAIL_CONFIG)

# One JSON object a line for the log collector (LOG_FORMAT=plain to read them by eye).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# Workers and beat log through LOGGING too (Celery would otherwise put its own plain-text
# handler on the root logger).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
sentry_init(SENTRY_DSN, environment=SENTRY_ENVIRONMENT)  # nothing happens when unset

# The tests' force_login stand-in for the staff second factor must never reach production.
if "accounts.backends.ForceLoginPassesSecondFactor" in AUTHENTICATION_BACKENDS:
    raise ImproperlyConfigured("ForceLoginPassesSecondFactor is for development and tests only.")
