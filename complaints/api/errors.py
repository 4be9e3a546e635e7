"""One JSON shape for every error: {"code", "message", "fields"}.

`fields` maps a field (dotted for nested rows: "works.0.title") to its messages. Messages
are in the caller's language: Accept-Language, else their account's language.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


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
    if isinstance(exc, DjangoValidationError):  # from a service
        exc = serializers.ValidationError(
            {"non_field_errors": exc.messages} if not hasattr(exc, "error_dict")
            else exc.message_dict)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is no such case, or it is not yours."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code=code if isinstance(code, str) else "error",
                                   message=str(detail))
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
