"""Desk fields an operator sets on a case: assignee and priority."""
from django.db import transaction

from complaints.models import Case
from complaints.services.audit import event_record


@transaction.atomic
def case_desk_update(*, case: Case, actor, assignee=None, priority: str | None = None) -> Case:
    """Set the assignee and priority, each change with its audit event."""
    changed = []
    if assignee != case.assignee:
        event_record(
            case=case, actor=actor, event_type="assignee_changed", public=False,
            old={"assignee": case.assignee.email if case.assignee else None},
            new={"assignee": assignee.email if assignee else None},
        )
        case.assignee = assignee
        changed.append("assignee")
    if priority and priority != case.priority:
        event_record(case=case, actor=actor, event_type="priority_changed", public=False,
                     old={"priority": case.priority}, new={"priority": priority})
        case.priority = priority
        changed.append("priority")
    if changed:
        case.save(update_fields=changed)
    return case
