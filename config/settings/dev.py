"""A laptop: debug on, a local secret that is made once and never committed."""
import secrets

from config.sentry import sentry_init

from .base import *  # noqa: F403
from .base import SENTRY_DSN, SENTRY_ENVIRONMENT, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_secret_file = VAR_DIR / "secret_key"
if not _secret_file.exists():
    _secret_file.write_text(secrets.token_urlsafe(50))
    _secret_file.chmod(0o600)
SECRET_KEY = env.str("SECRET_KEY", default=_secret_file.read_text().strip())

INSTALLED_APPS = [*INSTALLED_APPS, "complaints.devtools"]  # noqa: F405 (bench and seed commands)
# Client.force_login takes the first backend: a session it starts passes the staff second
# factor (accounts/backends.py). Password logins never go through it. Never in production.
AUTHENTICATION_BACKENDS = ["accounts.backends.ForceLoginPassesSecondFactor",
                           *AUTHENTICATION_BACKENDS]  # noqa: F405

# runserver serves static files from the apps; WhiteNoise need not scan STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

sentry_init(SENTRY_DSN, environment=SENTRY_ENVIRONMENT)  # nothing happens when unset
