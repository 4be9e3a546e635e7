"""The development and test settings' stand-in for a second factor, for Client.force_login.

Never in production: config/settings/prod.py refuses to start with it.
"""
from django.contrib.auth.backends import ModelBackend

FORCE_LOGIN_BACKEND = "accounts.backends.ForceLoginPassesSecondFactor"


class ForceLoginPassesSecondFactor(ModelBackend):
    """First in the dev and test settings' AUTHENTICATION_BACKENDS, so Client.force_login
    (which takes the first backend with get_user) logs in through it; such a session counts
    as having passed the second factor (accounts.middleware.SecondFactorMiddleware). No
    password login goes through it: authenticate() always answers None, so the usual
    backends (and any lockout backend) still see every password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None
