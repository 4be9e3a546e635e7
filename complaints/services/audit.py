from typing import Any

from complaints.domain.events import EventType
from complaints.models import Case, CaseEvent


def event_type_check(event_type: EventType) -> EventType:
    """The type as the enum; ValueError for one it does not name, so that no writer
    stores a code that no page can put in words."""
    return EventType(event_type)


def event_record(
    *,
    case: Case,
    actor,
    event_type: EventType,
    old: Any = None,
    new: Any = None,
) -> CaseEvent:
    """Append one event to the case's audit trail. Call inside the change's transaction.
    Whether the filer sees it follows from its type (EventType.filer_sees)."""
    event_type = event_type_check(event_type)
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        event_type=event_type.value,
        old_value=old,
        new_value=new,
        public=event_type.filer_sees,
    )


def events_record(*, case: Case, actor, events: list[dict]) -> list[CaseEvent]:
    """Append several events at once (one INSERT). Each dict holds `event_type` and, as
    for `event_record`, `old` and `new`."""
    actor = actor if getattr(actor, "pk", None) else None
    rows = []
    for e in events:
        event_type = event_type_check(e["event_type"])
        rows.append(CaseEvent(case=case, actor=actor, event_type=event_type.value,
                              old_value=e.get("old"), new_value=e.get("new"),
                              public=event_type.filer_sees))
    return CaseEvent.objects.bulk_create(rows)
