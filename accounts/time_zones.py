"""Time zones as a person picks one: places grouped by region in the reader's language
("Tokyo" under 「アジア」), not a list of 600 identifiers with legacy aliases such as
"Eire" or "Etc/GMT+9". The stored value stays the IANA name."""
import functools
import zoneinfo

from django.utils.translation import gettext_lazy as _

UTC = "UTC"
REGIONS = {
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "America": _("The Americas"),
    "Africa": _("Africa"),
    "Australia": _("Australia"),
    "Pacific": _("Pacific"),
    "Atlantic": _("Atlantic"),
    "Indian": _("Indian Ocean"),
    "Antarctica": _("Antarctica"),
}


def _place(name: str) -> str:
    """"America/Argentina/Buenos_Aires" → "Argentina – Buenos Aires"."""
    return name.split("/", 1)[1].replace("_", " ").replace("/", " – ")


@functools.cache
def available_time_zones() -> frozenset[str]:
    """The IANA names this machine knows, read once per process: zoneinfo reads them from
    the disk at each call (600 files: the users' list spent 3 s a page asking twice a row)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices(current: str | None = None) -> list:
    """UTC first, then each region's places; `current` is kept even when it is a legacy
    name no longer listed, so saving a form never changes a zone nobody touched."""
    names = available_time_zones()
    choices: list = [(UTC, _("Coordinated Universal Time (UTC)"))]
    for prefix, region in REGIONS.items():
        places = sorted((n for n in names if n.startswith(prefix + "/")), key=_place)
        choices.append((region, [(n, _place(n)) for n in places]))
    listed = {UTC} | {n for _region, group in choices[1:] for n, _label in group}
    if current and current not in listed and current in names:
        choices.insert(1, (current, current))
    return choices
