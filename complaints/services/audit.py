from typing import Any

from complaints.models import Case, CaseEvent


def event_record(
    *,
    case: Case,
    actor,
    event_type: str,
    old: Any = None,
    new: Any = None,
    public: bool = True,
) -> CaseEvent:
    """Append one event to the case's audit trail. Call inside the change's transaction."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        event_type=event_type,
        old_value=old,
        new_value=new,
        public=public,
    )


def events_record(*, case: Case, actor, events: list[dict]) -> list[CaseEvent]:
    """Append several events at once (one INSERT). Each dict holds `event_type` and, as
    for `event_record`, `old`, `new` and `public` (True when left out)."""
    actor = actor if getattr(actor, "pk", None) else None
    return CaseEvent.objects.bulk_create(
        CaseEvent(case=case, actor=actor, event_type=e["event_type"],
                  old_value=e.get("old"), new_value=e.get("new"),
                  public=e.get("public", True))
        for e in events)
