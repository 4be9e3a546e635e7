"""`Idempotency-Key` on every create: a retried request gets the first answer again and
creates nothing new; the same key with a different request is refused (409)."""
import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from complaints.api.errors import error_response
from complaints.api.fields import IDEMPOTENCY_KEY
from complaints.models import IdempotencyRecord
from complaints.services.idempotency import idempotency_record_find, idempotency_record_run

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key", location=OpenApiParameter.HEADER, required=False,
    type={"type": "string", "pattern": IDEMPOTENCY_KEY, "maxLength": 200},
    description="Any unique string up to 200 characters (a UUID is a good choice). A retry "
                "with the same key and the same request returns the first answer and "
                "creates nothing new.")


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):  # a form or multipart body
        data = {key: values for key, values in data.lists()}
    files = {name: [_file_digest(f) for f in request.FILES.getlist(name)]
             for name in getattr(request, "FILES", {})}
    canonical = json.dumps([request.method, request.path, data, files], sort_keys=True,
                           cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    return Response(record.body, status=record.status_code,
                    headers={"Idempotent-Replayed": "true"})


def idempotent(request, create) -> Response:
    """Run `create()` (which returns a Response) at most once per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return create()
    if not re.fullmatch(IDEMPOTENCY_KEY, key):
        return error_response("invalid_idempotency_key",
                              _("An Idempotency-Key is 1 to 200 printable characters without "
                                "spaces; a UUID is a good choice."))
    fingerprint = _fingerprint(request)
    existing = idempotency_record_find(user=request.user, key=key)
    if existing is not None:
        if existing.fingerprint != fingerprint:
            return error_response(
                "idempotency_key_reused",
                _("This Idempotency-Key was used for a different request. Use a new key "
                  "for a new request."), status.HTTP_409_CONFLICT)
        return _replay(existing)
    response, existing = idempotency_record_run(
        user=request.user, key=key, fingerprint=fingerprint, create=create,
        answer=_answer_kept)
    # The same key arrived twice at once: the other request won; answer as it did.
    return _replay(existing) if existing is not None else response


def _answer_kept(response: Response) -> tuple[int, object] | None:
    if 200 <= response.status_code < 300:
        return response.status_code, json.loads(json.dumps(response.data,
                                                            cls=DjangoJSONEncoder))
    return None
