"""The fingerprint of a notice as sent: SHA-256 over one canonical JSON text of it.

Canonical means one text for one content, whoever computes it: keys sorted, no spaces,
UTF-8 without escapes, times as ISO 8601 in UTC. Anyone holding the copy's JSON can check
the value with any SHA-256 tool (`sha256sum`).
"""
import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime

HASH_ALGORITHM = "SHA-256"
# Named in the content, so a later shape hashes apart. 2: the statements made, in the words
# the filer confirmed ("statements"); a copy of 1 has them as true/false only.
COPY_FORMAT = "kotae-notice/2"


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Not part of a notice's copy: {type(value).__name__}")


def notice_canonical(content: dict) -> str:
    """The one JSON text of a notice's content."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_plain)


def notice_sha256(content: dict) -> str:
    """Hex SHA-256 of the canonical JSON text, encoded as UTF-8."""
    return hashlib.sha256(notice_canonical(content).encode("utf-8")).hexdigest()
