"""Counter-notices as the desk reads them beside a case."""
from complaints.domain.events import EventType
from complaints.models import Case, CaseKind, CounterNotice


def counter_notices_for_desk(case: Case) -> dict:
    """On a counter-notice, its elements (`counter_notice`); on a complaint, the
    counter-notices that answer it (`counter_notices`); on any other case, nothing (and no
    query)."""
    if case.kind == CaseKind.COUNTER_NOTICE:
        notice = (CounterNotice.objects.select_related("complaint")
                  .prefetch_related("locations").filter(case=case).first())
        return {"counter_notice": notice}
    # As for retractions: read only for a complaint whose trail says one came.
    events = getattr(case, "desk_events", None)
    received = (events is None
                or any(e.event_type == EventType.COUNTER_NOTICE_RECEIVED for e in events))
    if case.kind == CaseKind.OUTPUT_COMPLAINT and received:
        return {"counter_notices": list(case.counter_notices.select_related("case")
                                        .prefetch_related("locations"))}
    return {}
