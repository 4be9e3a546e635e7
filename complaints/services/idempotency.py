"""The first answer to an idempotent create, kept per user and key (the API's
Idempotency-Key): found again for a retry, written once."""
from django.db import IntegrityError, transaction

from complaints.models import IdempotencyRecord


def idempotency_record_find(*, user, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def idempotency_record_run(*, user, key: str, fingerprint: str, create, answer):
    """Run `create()` and keep `answer(result)` (a status code and a JSON body, or None
    to keep nothing) in the same transaction. Returns (result, None), or (None, record)
    when the same key arrived twice at once and the other request's record won."""
    try:
        with transaction.atomic():
            result = create()
            kept = answer(result)
            if kept is not None:
                status_code, body = kept
                IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint,
                                                 status_code=status_code, body=body)
    except IntegrityError:
        existing = idempotency_record_find(user=user, key=key)
        if existing is None:
            raise
        return None, existing
    return result, None
