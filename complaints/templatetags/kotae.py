from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# "3 Dec 2026, 18:00 JST" / "2026年12月3日 18:00 JST": always with the zone, so a
# deadline is never ambiguous for a filer abroad.
FORMATS = {"ja": "Y年n月j日 H:i T", "en": "j M Y, H:i T"}


@register.filter
def when(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return formats.date_format(local, FORMATS.get((get_language() or "en")[:2], FORMATS["en"]))


@register.filter
def day(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return formats.date_format(local, "Y年n月j日" if (get_language() or "en")[:2] == "ja"
                               else "j M Y")


@register.filter
def audit_value(value):
    """An audit event's old or new value as a person reads it: "clock: decision, due at:
    8 Dec 2026, 16:34 JST" rather than a Python dict with ISO times."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    parts = []
    for key, item in value.items():
        if isinstance(item, str) and len(item) >= 19 and item[4] == "-" and "T" in item:
            try:
                item = when(datetime.fromisoformat(item))
            except ValueError:
                pass
        elif isinstance(item, list):
            item = ", ".join(str(i) for i in item)
        parts.append(f"{key.replace('_', ' ')}: {item}")
    return "; ".join(parts)


EVENT_NAMES = {
    "case_submitted": _("Case filed"),
    "status_changed": _("Status changed"),
    "reply_sent": _("Public reply sent"),
    "note_added": _("Internal note added"),
    "filer_replied": _("The filer replied"),
    "evidence_added": _("Evidence added"),
    "decision_recorded": _("Decision recorded"),
    "deadline_started": _("Deadline set"),
    "deadline_met": _("Deadline met"),
    "deadline_paused": _("Deadline paused"),
    "deadline_resumed": _("Deadline resumed"),
    "deadline_cancelled": _("Deadline stopped"),
    "deadline_warning": _("Deadline warning sent"),
    "deadline_breached": _("Deadline missed"),
    "filer_reminded": _("The filer was reminded to reply"),
    "assignee_changed": _("Assignee changed"),
    "priority_changed": _("Priority changed"),
    "cases_linked": _("Cases linked"),
    "merged_into": _("Merged into another case"),
    "merged_from": _("A duplicate was merged in"),
    "question_answered": _("Question answered"),
    "feedback_given": _("Feedback given"),
    "register_entries_received": _("Training-use register entries made"),
    "register_entry_confirmed": _("Register entry confirmed"),
    "register_entry_applied": _("Register entry applied"),
    "register_entry_not_possible": _("Register entry not possible"),
    "register_entry_closed": _("Register entry no longer in force"),
    "register_permission_recorded": _("Permission recorded in the register"),
}


@register.filter
def event_name(event_type):
    return EVENT_NAMES.get(event_type, event_type)
