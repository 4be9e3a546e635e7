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
