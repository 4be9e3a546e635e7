"""Lists pasted into a filing form, one row a line, read with the same rules as single rows.

Output locations: `URL` or `URL<TAB>date seen` (2026-11-20 or 2026-11-20 10:30).
Works: `title | kind | rights holder | identifier`; the rights holder and identifier may be
left out; the kind is its code, its label in either language ("anime", "Anime", "アニメ") or
a synonym ("comic", "漫画"), in any case or width.

Blank lines are ignored; each refusal names its line ("Line 12: …"), so nothing has to be
typed again, and the line numbers are those of the box as the filer sees it.
"""
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.kinds import MAX_LOCATIONS, MAX_WORKS
from complaints.domain.locations import location_validate
from complaints.domain.text import listing

URL_MAX = 1000
WORK_MAX = {"title": 300, "rights_holder": 200, "identifier": 500}
KIND_NAME_MAX = 40  # longer than any name of a kind (KIND_SYNONYMS, the labels)

# The largest form a filing page is sent (its allowance: config/bodies.py), from the limits:
# every location the limits allow at its longest with its date seen, and every work at its
# longest, pasted; as the review page sends them back, a url-encoded form, which writes each
# byte it must escape as "%2F", three bytes (an ASCII URL's "/" and ":" are such bytes; a
# Japanese title's characters are three bytes of UTF-8 each, so nine); and the rest of the
# form (title, similarity, statements, contacts), far under a megabyte. About 39 MB.
LOCATION_LINE_MAX = URL_MAX + len("\t2026-11-20 10:30\r\n")
WORK_LINE_MAX = sum(WORK_MAX.values()) + KIND_NAME_MAX + len(" | " * 3 + "\r\n")
NOTICE_FORM_MAX_BYTES = (3 * MAX_LOCATIONS * LOCATION_LINE_MAX + 9 * MAX_WORKS * WORK_LINE_MAX
                         + 1024 * 1024)

ERROR_LINE = _("Line %(line)s: %(error)s")
ERROR_DATE = _("The date seen must read like 2026-11-20 or 2026-11-20 10:30.")
ERROR_URL_LONG = _("The location is longer than %(max)s characters.")
ERROR_WORK_TOO_MANY_PARTS = _(
    "A work has at most four parts: title | kind | rights holder | identifier.")
ERROR_WORK_TITLE = _("The title of the work is missing.")
ERROR_WORK_KIND_MISSING = _("Say the kind of work after the title: title | kind.")
ERROR_WORK_KIND = _("“%(kind)s” is not a kind of work we know. Use one of: %(kinds)s.")
ERROR_WORK_LONG = _("“%(part)s” is longer than %(max)s characters.")


@dataclass(frozen=True)
class PastedLocation:
    line: int
    url: str
    seen_at: datetime | None = None  # naive: the face reads it in the filer's time zone


@dataclass(frozen=True)
class PastedWork:
    line: int
    title: str
    kind: str
    rights_holder: str = ""
    identifier: str = ""


@dataclass
class Pasted:
    rows: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)  # of the box, as `line`


def _lines(text: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield number, line


def _line_error(number: int, error) -> str:
    return str(ERROR_LINE % {"line": number, "error": error})


def _seen(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        seen = datetime.fromisoformat(value.replace("/", "-"))
        if seen.tzinfo is None:  # a time without its zone is the reader's own
            seen = timezone.make_aware(seen)
        seen.astimezone(UTC)  # a year the clock cannot carry (year 1 east of UTC)
    except (ValueError, OverflowError):
        raise ValidationError(ERROR_DATE, code="date") from None
    return seen


def pasted_locations(text: str) -> Pasted:
    """One output location a line, each checked as a single row is
    (complaints.domain.locations)."""
    pasted = Pasted()
    for number, line in _lines(text):
        url, _tab, seen = line.partition("\t")
        try:
            if len(url.strip()) > URL_MAX:
                raise ValidationError(ERROR_URL_LONG % {"max": URL_MAX}, code="long")
            row = PastedLocation(line=number, url=location_validate(url), seen_at=_seen(seen))
        except ValidationError as exc:
            pasted.errors += [_line_error(number, m) for m in exc.messages]
            pasted.bad_lines.append(number)
            continue
        pasted.rows.append(row)
    return pasted


# Other names a filer writes for a kind of work, besides its code and its label as the app
# shows it in either language (which the face gives: work_kind_names). Read as _name reads
# them: any case, any width (ＭＡＮＧＡ, ｱﾆﾒ).
KIND_SYNONYMS = {
    "anime": ("animation", "アニメーション"),
    "manga": ("comic", "comics", "漫画", "まんが", "コミック"),
    "game": ("video game", "videogame", "ゲームソフト", "ビデオゲーム"),
    "film": ("movie", "cinema", "motion picture", "映画作品"),
    "illustration": ("illust", "drawing", "artwork", "イラストレーション", "絵", "挿絵"),
    "character": ("キャラ",),
    "music": ("song", "音源", "楽曲", "曲"),
    "software": ("program", "app", "ソフト", "プログラム", "アプリ"),
    "book": ("novel", "本", "小説", "図書"),
    "photograph": ("photo", "photography", "写真作品"),
    "font": ("typeface", "書体"),
    "video": ("movie clip", "映像"),
    "other": ("others", "etc", "そのほか"),
}


def _name(value) -> str:
    """A name of a kind as compared: NFKC (full-width letters, half-width katakana), case
    folded, spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def _kind(value: str, kinds: dict[str, str], listed: str) -> str:
    key = _name(value)
    if not key:
        raise ValidationError(ERROR_WORK_KIND_MISSING, code="kind_missing")
    if key not in kinds:
        listed = listed or listing(sorted(set(kinds.values())))
        raise ValidationError(ERROR_WORK_KIND % {"kind": value.strip(), "kinds": listed},
                              code="kind")
    return kinds[key]


def _work(number: int, line: str, kinds: dict[str, str], listed: str) -> PastedWork:
    parts = [part.strip() for part in line.replace("｜", "|").split("|")]  # 全角 too
    if len(parts) > 4:
        raise ValidationError(ERROR_WORK_TOO_MANY_PARTS, code="parts")
    parts += [""] * (4 - len(parts))
    title, kind, rights_holder, identifier = parts
    if not title:
        raise ValidationError(ERROR_WORK_TITLE, code="title")
    for name, value in (("title", title), ("rights_holder", rights_holder),
                        ("identifier", identifier)):
        if len(value) > WORK_MAX[name]:
            raise ValidationError(ERROR_WORK_LONG % {"part": value[:20] + "…",
                                                     "max": WORK_MAX[name]}, code="long")
    return PastedWork(line=number, title=title, kind=_kind(kind, kinds, listed),
                      rights_holder=rights_holder, identifier=identifier)


def work_kind_names(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Every name a pasted kind may have (its code, its label as shown now, its
    KIND_SYNONYMS) → its code."""
    names = {}
    for code, label in choices:
        if code:
            for name in (code, label, *KIND_SYNONYMS.get(code, ())):
                names[_name(name)] = code
    return names


def pasted_works(text: str, *, kinds: dict[str, str], listed: str = "") -> Pasted:
    """One work a line: `title | kind | rights holder | identifier`. `listed`: the kinds
    as an unknown kind's refusal lists them to the reader (else their codes). Every line
    read is kept, with the bad lines' numbers (`bad_lines`)."""
    pasted = Pasted()
    for number, line in _lines(text):
        try:
            pasted.rows.append(_work(number, line, kinds, listed))
        except ValidationError as exc:
            pasted.errors += [_line_error(number, m) for m in exc.messages]
            pasted.bad_lines.append(number)
    return pasted
