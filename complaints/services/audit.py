from typing import Any

from complaints.domain.events import EventType
from complaints.models import Case, CaseEvent


def _event(*, case: Case, actor, event_type: EventType, old: Any, new: Any) -> CaseEvent:
    """One audit event, not yet saved. Whether the filer sees it follows from its type
    (EventType.filer_sees); a type the enum does not name is a ValueError, so that no
    writer stores a code that no page can put in words."""
    event_type = EventType(event_type)
    return CaseEvent(case=case, actor=actor if getattr(actor, "pk", None) else None,
                     event_type=event_type.value, old_value=old, new_value=new,
                     public=event_type.filer_sees)


def event_record(
    *,
    case: Case,
    actor,
    event_type: EventType,
    old: Any = None,
    new: Any = None,
) -> CaseEvent:
    """Append one event to the case's audit trail. Call inside the change's transaction."""
    event = _event(case=case, actor=actor, event_type=event_type, old=old, new=new)
    event.save(force_insert=True)
    return event


def events_record(*, case: Case, actor, events: list[dict]) -> list[CaseEvent]:
    """Append several events at once (one INSERT). Each dict holds `event_type` and, as
    for `event_record`, `old` and `new`."""
    return CaseEvent.objects.bulk_create(
        _event(case=case, actor=actor, event_type=e["event_type"], old=e.get("old"),
               new=e.get("new"))
        for e in events)
