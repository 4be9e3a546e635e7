"""Throttled logins and password-reset requests (README "Login throttling").

Logins: django-axes counts wrong passwords per account name and client address (database
rows, so every web process sees the same count) and refuses that pair for a cool-off once
there are too many; a right password resets the count. Password resets: at most so many
requests an hour per address asked for and per client address, counted in the cache."""
import hashlib
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max

from config.client_ip import client_network
from config.rate_limits import window_hit

PASSWORD_RESET_WINDOW = 3600


def login_username(request, credentials) -> str | None:
    """The account name axes counts attempts against: the e-mail address as typed on the
    portal's or the admin's login form, or given to authenticate(), in lower case, so
    "Hanako@Example.com" is not a fresh count."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    name = str(value or "").strip().lower()[:255]
    return name or None


def login_is_paused(request, *, email: str) -> bool:
    """Whether axes holds logins as `email` from this client now. When it does, the
    answer to this request becomes the "login paused" page (axes' middleware)."""
    credentials = {"username": email}
    if AxesProxyHandler.is_allowed(request, credentials):
        return False
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return True


def login_failure_record(request, *, email: str) -> None:
    """A wrong password checked outside authenticate() (an unconfirmed account): counted
    as authenticate() counts one, through Django's signal that axes listens to."""
    user_login_failed.send(sender=__name__, credentials={"username": email},
                           request=request)


def login_pause_ends_at(request, credentials) -> datetime | None:
    """When the pause on this account name from this client ends: the cool-off after the
    last failure that counted (failures during the pause are not counted)."""
    username = login_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_network(request)
    last = (AccessAttempt.objects.filter(username=username, ip_address=ip_address)
            .aggregate(last=Max("attempt_time"))["last"])
    cool_off = get_cool_off(request)
    return last + cool_off if last and cool_off else None


def password_reset_wait(request, *, email: str) -> int | None:
    """Count one password-reset request. None while the client is within its hourly limit
    and within its limit for the address asked for; else the seconds until it may ask
    again. The same whether or not the address has an account. The address is counted
    per client, and not at all once the client is over its own limit, so that nobody can
    use up someone else's resets (a lockout the login lock avoids in the same way)."""
    client = client_network(request) or "unknown"
    waited = window_hit(key=f"password-reset:ip:{client}",
                        limit=settings.KOTAE_PASSWORD_RESET_PER_IP,
                        seconds=PASSWORD_RESET_WINDOW)
    if waited is not None:
        return waited
    digest = hashlib.sha256(f"{email.strip().lower()}|{client}".encode()).hexdigest()
    return window_hit(key=f"password-reset:email:{digest}",
                      limit=settings.KOTAE_PASSWORD_RESET_PER_EMAIL,
                      seconds=PASSWORD_RESET_WINDOW)
