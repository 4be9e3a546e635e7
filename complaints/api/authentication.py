"""`Authorization: Bearer kotae_…` with a personal API token; or a signed-in browser."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme as DrfSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.services import api_token_authenticate
from complaints.api.throttling import BadTokensThrottled, bad_token_record, bad_tokens_wait


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        # A client that sent too many wrong tokens: only a token in use (cached) passes.
        wait = bad_tokens_wait(request)
        if len(header) != 2:
            self._refuse(request, wait, _("Give the token after “Bearer” and a single space."))
        try:
            token = header[1].decode()
        except UnicodeError:
            self._refuse(request, wait, _("This token is not valid."))
        row = api_token_authenticate(token=token, cached_only=wait is not None)
        if row is None:
            self._refuse(request, wait, _("This token is not valid or was revoked. Make a "
                                          "new one on your API tokens page."))
        return row.user, row

    @staticmethod
    def _refuse(request, wait, message):
        if wait is not None:
            raise BadTokensThrottled(wait)
        bad_token_record(request)
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        return self.keyword  # so a missing token is a 401 with WWW-Authenticate


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token (kotae_…) from the portal's API "
                               "tokens page or `manage.py issue_api_token`."}


class SessionAuthentication(authentication.SessionAuthentication):
    """A signed-in browser, with Django's CSRF check. (DRF says why the check failed in
    Django's English only: "CSRF Failed: CSRF token missing.")"""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("CSRF check failed. From a signed-in browser, send the X-CSRFToken header "
                  "with the value of the csrftoken cookie; from a program, use an API "
                  "token.")) from exc


class SessionScheme(DrfSessionScheme):
    target_class = SessionAuthentication
