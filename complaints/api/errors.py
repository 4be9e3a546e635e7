"""One JSON shape for every error: {"code", "message", "fields"}.

`fields` maps a field (dotted for nested rows: "works.0.title") to its messages. Messages
are in the caller's language: Accept-Language if it names one of ours, else their
account's (accounts/language.py). What DRF refuses by itself (a method, an Accept or a
body type not served, no credentials, the quota) it says in its own words, fixed when it
refused, sometimes before the caller's account was known: those are said again here, in
our words (complaints/api/error_messages.py).
"""
import logging

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousMultipartForm,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints.api import error_messages
from complaints.api.language import speak_callers_language
from complaints.api.refusals import RequestRefused
from config.middleware import ImpossibleInput


def refused_by_django(exc: Exception) -> RequestRefused:
    """What Django refuses while reading a request (a SuspiciousOperation, or BadRequest),
    as an answer of the API: `parse_error` only for a body that does not parse,
    `bad_request` for a request refused as a whole (a Host header not served)."""
    if isinstance(exc, RequestDataTooBig):
        return RequestRefused(
            error_messages.request_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            code="request_too_large", status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFilesSent):
        return RequestRefused(
            error_messages.too_many_files(settings.DATA_UPLOAD_MAX_NUMBER_FILES),
            code="too_many_files", status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooManyFieldsSent):
        return RequestRefused(
            error_messages.too_many_fields(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS),
            code="too_many_fields", status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ImpossibleInput):  # NUL in the address or the query (config/)
        return RequestRefused(str(ImpossibleInput.message), code="invalid_input",
                              status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousMultipartForm):  # a body that does not parse
        return RequestRefused(error_messages.malformed(), code="parse_error",
                              status=status.HTTP_400_BAD_REQUEST)
    # Refused before any view (a Host not served), or something else Django refuses:
    # nothing was parsed, so nothing is said about the body.
    message = (error_messages.host_not_served() if isinstance(exc, DisallowedHost)
               else error_messages.request_refused())
    return RequestRefused(message, code="bad_request", status=status.HTTP_400_BAD_REQUEST)


def _media_types(classes) -> list[str]:
    return list(dict.fromkeys(c.media_type for c in classes or ()))


def _drf_refusal_message(exc, request) -> str | None:
    """Our words for what DRF refuses by itself (it never carries a message of ours)."""
    if getattr(exc, "bad_tokens", False):  # complaints/api/throttling.py
        return error_messages.bad_tokens_throttled(exc.wait)
    if isinstance(exc, exceptions.Throttled):
        return error_messages.throttled(exc.wait)
    if isinstance(exc, exceptions.NotAuthenticated):
        return error_messages.not_authenticated()
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_messages.method_not_allowed(request.method)
    if isinstance(exc, exceptions.NotAcceptable):
        return error_messages.not_acceptable(_media_types(exc.available_renderers))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_messages.unsupported_media_type(request.content_type,
                                                     _media_types(request.parsers))
    return None


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            if name == "non_field_errors" and not prefix:
                key = "non_field_errors"
            for field, messages in _flatten(value, key).items():
                fields.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            fields[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    fields.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        fields[prefix or "non_field_errors"] = [str(detail)]
    return fields


def error_body(*, code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def validation_error_body(detail) -> dict:
    fields = _flatten(detail)
    general = fields.pop("non_field_errors", [])
    message = general[0] if general else _("Some fields need your attention.")
    if general[1:]:
        fields["non_field_errors"] = general[1:]
    return error_body(code="invalid", message=message, fields=fields)


def api_exception_handler(exc, context):
    request = context.get("request")
    speak_callers_language(request)  # if refused before the account was known
    if isinstance(exc, DjangoValidationError):  # from a service
        exc = serializers.ValidationError(
            {"non_field_errors": exc.messages} if not hasattr(exc, "error_dict")
            else exc.message_dict)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is no such case, or it is not yours."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(error_messages.permission_denied())
    elif isinstance(exc, SuspiciousOperation):  # reading the body or the query string
        # Noted where Django notes it when it answers one itself.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        exc = refused_by_django(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        message = _drf_refusal_message(exc, request) if request is not None else None
        response.data = error_body(code=code if isinstance(code, str) else "error",
                                   message=message or str(detail))
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="A stable, machine-readable code, e.g. "
                                           "`invalid`, `not_found`, `throttled`.")
    message = serializers.CharField(help_text="What went wrong, for a person to read.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field; nested rows are dotted, e.g. `works.0.title`.")


def error_response(code: str, message: str, http_status=status.HTTP_400_BAD_REQUEST,
                   **headers) -> Response:
    return Response(error_body(code=code, message=message), status=http_status,
                    headers=headers or None)
