"""Kotae's rows, one module per noun; every model is re-exported here by name, so
`from complaints.models import Case` finds it and Django finds them all."""
from complaints.models.api import IdempotencyRecord
from complaints.models.calendars import BusinessCalendar, CalendarClosure
from complaints.models.cases import (
    Case,
    CaseKind,
    FiledAs,
    OutputLocation,
    Priority,
    Remedy,
    TrainingUse,
    Work,
)
from complaints.models.clocks import Deadline, DeadlinePolicy
from complaints.models.counter_notices import CounterNotice
from complaints.models.decisions import Decision
from complaints.models.desk import CannedResponse
from complaints.models.drafts import FilingDraft, FilingDraftRow, StagingDay
from complaints.models.dsa_statements import DsaStatementSubmission
from complaints.models.enforcement import EnforcementOrder
from complaints.models.events import AppendOnlyError, CaseEvent, audit_trail_unlocked
from complaints.models.evidence import (
    Evidence,
    StagedUpload,
    evidence_upload_to,
    staged_upload_to,
)
from complaints.models.feedback import Feedback
from complaints.models.outbox import Notification
from complaints.models.owners import OutputOwner
from complaints.models.policies import (
    FilerSuspension,
    FilerWarning,
    OwnerAccountAction,
    OwnerStanding,
    PolicySettings,
)
from complaints.models.quality import QualityTally
from complaints.models.register import RegisterEntry
from complaints.models.retractions import Retraction, RetractionUndo
from complaints.models.sweep_runs import SweepRun
from complaints.models.thread import Message, Question
from complaints.models.transparency import TransparencySnapshot
from complaints.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AppendOnlyError", "BusinessCalendar", "CalendarClosure", "CannedResponse", "Case",
    "CaseEvent", "CaseKind", "CounterNotice", "Deadline", "DeadlinePolicy", "Decision",
    "DsaStatementSubmission", "EnforcementOrder", "Evidence", "Feedback",
    "FiledAs", "FilingDraft", "FilingDraftRow", "IdempotencyRecord", "Message",
    "Notification", "OutputLocation",
    "OutputOwner", "FilerSuspension", "FilerWarning", "OwnerAccountAction", "OwnerStanding",
    "PolicySettings",
    "Priority",
    "QualityTally", "Question", "RegisterEntry", "Remedy", "Retraction", "RetractionUndo",
    "StagedUpload",
    "StagingDay", "SweepRun", "TrainingUse", "TransparencySnapshot",
    "WebhookDelivery", "WebhookEndpoint", "Work", "audit_trail_unlocked", "evidence_upload_to",
    "staged_upload_to",
]
