"""The training-use register as the company's data pipeline reads it: JSON lines or CSV,
oldest change first, streamed row by row. The API (`/api/v1/register/`) and
`manage.py export_register` both write what `register_export_lines` yields."""
import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from complaints.models import RegisterEntry

FORMATS = ("jsonl", "csv")
MEDIA_TYPES = {"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}
COLUMNS = ("id", "kind", "status", "scope", "rights_holder", "title", "titles", "urls",
           "domains", "image_hashes", "uses", "snapshot", "reason", "case_reference",
           "created_at", "confirmed_at", "applied_at", "updated_at")
LIST_COLUMNS = ("titles", "urls", "domains", "image_hashes", "uses")
TIME_COLUMNS = ("created_at", "confirmed_at", "applied_at", "updated_at")
CSV_LIST_SEPARATOR = " | "
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000

_FIELDS = ("pk", "kind", "status", "scope", "rights_holder", "title", "titles", "urls",
           "domains", "image_hashes", "uses", "snapshot", "reason", "case__reference",
           *TIME_COLUMNS)


def _utc(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with "Z", as the rest of the API writes times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def register_export_rows(*, updated_since: datetime | None = None) -> Iterator[dict]:
    """The entries changed at or after `updated_since` (all without it), ordered by
    their last change then id, read in chunks (never the whole register in memory)."""
    queryset = RegisterEntry.objects.all()
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    rows = queryset.order_by("updated_at", "pk").values_list(*_FIELDS)
    for values in rows.iterator(chunk_size=CHUNK):
        row = dict(zip(COLUMNS, values, strict=True))
        for name in TIME_COLUMNS:
            row[name] = _utc(row[name])
        yield row


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = CSV_LIST_SEPARATOR.join(str(item) for item in value)
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def register_export_lines(*, fmt: str = "jsonl",
                          updated_since: datetime | None = None) -> Iterator[str]:
    """The export, line by line ("\\n"-terminated; CSV with a header line first)."""
    rows = register_export_rows(updated_since=updated_since)
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
        return
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield line(COLUMNS)
    for row in rows:
        yield line(_csv_cell(row[name]) for name in COLUMNS)
