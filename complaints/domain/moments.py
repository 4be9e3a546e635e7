"""A moment given as text: RFC 3339 with its zone, as the API and the export take it."""
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

ERROR_MOMENT = _("Give a date and time with its zone, e.g. 2026-11-20T10:30:00+09:00.")


class MomentError(ValueError):
    """The text is not a moment with its zone; `message` says so to the person."""

    message = ERROR_MOMENT


def moment_parse(value: str) -> datetime:
    """The moment in UTC; far-off years are clamped instead of overflowing."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise MomentError(str(ERROR_MOMENT))
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC) if parsed.year < 2 else \
            datetime.max.replace(tzinfo=UTC)
