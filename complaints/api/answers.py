"""What the API answers about a case: its rows, clocks, decision, messages and evidence,
and the results of a bulk filing (complaints.api.serializers re-exports each by name).
These describe the answers in the schema; complaints.api.present builds them (a test holds
both to the same output)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.api import present
from complaints.api.pages import PagesSerializer
from complaints.models import (
    Case,
    Deadline,
    Decision,
    Evidence,
    Message,
    OutputLocation,
    Question,
    Work,
)
from complaints.selectors.rows import page_summary


class WorkSerializer(serializers.ModelSerializer):
    number = serializers.SerializerMethodField(
        help_text="Its number in the case's works, counting from 1 (as `locations[].works` "
                  "names it). Works sent more than once with every detail the same are "
                  "stored once, and the numbers count the works as stored.")

    class Meta:
        model = Work
        fields = ["number", "title", "kind", "rights_holder", "identifier"]

    def get_number(self, work) -> int:
        return work.position + 1


class LocationSerializer(serializers.ModelSerializer):
    retracted = serializers.BooleanField(
        source="is_retracted", read_only=True,
        help_text="Whether you retracted the notice for this location (or as a whole).")
    works = serializers.ListField(
        child=serializers.IntegerField(min_value=1), source="copied_work_numbers",
        read_only=True,
        help_text="The works it copies, by their `number` in the case's works (empty: the "
                  "notice did not say).")

    class Meta:
        model = OutputLocation
        fields = ["url", "seen_at", "prompt", "retracted", "works"]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["text", "answer_category", "answer_text", "answered_at"]


class DeadlineSerializer(serializers.ModelSerializer):
    on_time = serializers.SerializerMethodField()
    late = serializers.BooleanField(
        source="is_late", read_only=True,
        help_text="True while the due time has passed and the desk has not answered.")
    promised_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="The date we last promised in a late notice (null until one was sent).")

    class Meta:
        model = Deadline
        fields = ["clock", "started_at", "due_at", "paused_at", "met_at", "breached_at",
                  "cancelled_at", "on_time", "late", "promised_at"]

    def get_on_time(self, deadline) -> bool | None:
        """True if met on time, False if met late or overdue, null while it runs."""
        if deadline.met_at:
            return deadline.due_at is None or deadline.met_at <= deadline.due_at
        return False if deadline.breached_at else None


class DecisionSerializer(serializers.ModelSerializer):
    rejection_reason = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["outcome", "rejection_reason", "actions", "facts", "ground",
                  "automated_means", "automated_detail", "decided_at", "appeal_deadline"]

    @extend_schema_field(serializers.ChoiceField(
        choices=Decision.RejectionReason.choices, allow_null=True))
    def get_rejection_reason(self, decision) -> str | None:
        """Why the notice was rejected, when the outcome is "rejected"; else null."""
        return decision.rejection_reason or None


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "from_staff", "author", "body", "created_at"]

    def get_author(self, message) -> str:
        if message.from_staff:
            return str(_("Kotae desk"))
        return message.author.display_name if message.author else ""


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class CaseSummarySerializer(serializers.ModelSerializer):
    updated_at = serializers.DateTimeField(source="last_activity_at")
    late = serializers.SerializerMethodField(
        help_text="True while one of the desk's deadlines has passed unanswered.")
    promised_at = serializers.SerializerMethodField(
        help_text="For a late case: the date by which we now expect to answer, as our "
                  "late notice said (null until one was sent).")
    url = serializers.SerializerMethodField(help_text="The case's page in the portal.")

    class Meta:
        model = Case
        fields = ["reference", "kind", "status", "title", "language", "submitted_at",
                  "updated_at", "next_due_at", "decided_at", "closed_at", "late",
                  "promised_at", "url"]

    def get_late(self, case) -> bool:
        return case.late_deadline is not None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_promised_at(self, case):
        late = case.late_deadline
        return serializers.DateTimeField().to_representation(late.promised_at) \
            if late is not None and late.promised_at else None

    def get_url(self, case) -> str:
        return present.case_url_template().replace(present.PLACEHOLDER, case.reference)


class CaseDetailSerializer(CaseSummarySerializer):
    notice_language = serializers.CharField(
        help_text="The language the notice is written in (ISO 639-1); empty where it was "
                  "not recorded (some cases filed before it was asked).")
    postal_address = serializers.CharField(
        source="filer_postal_address",
        help_text="The filer's postal address, as the notice gave it (empty: not given).")
    phone = serializers.CharField(
        source="filer_phone",
        help_text="The filer's telephone number, as the notice gave it (empty: not given).")
    principal_postal_address = serializers.CharField(
        help_text="For an agent's notice: the rights holder's postal address (else empty).")
    principal_phone = serializers.CharField(
        help_text="For an agent's notice: the rights holder's telephone number (else "
                  "empty).")
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    appeal_of = serializers.CharField(source="appeal_of.reference", allow_null=True,
                                      default=None)
    pages = serializers.SerializerMethodField(
        help_text="Works and locations come a page at a time (100 each): which page of "
                  "each this is, how many pages and rows there are. Ask for another with "
                  "`?locations_page=` or `?works_page=`.")
    works = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    decision = serializers.SerializerMethodField()
    messages = MessageSerializer(many=True, source="public_messages")
    evidence = EvidenceSerializer(many=True)

    class Meta(CaseSummarySerializer.Meta):
        fields = [*CaseSummarySerializer.Meta.fields, "filed_as", "law", "notice_language",
                  "postal_address", "phone", "principal_name", "principal_postal_address",
                  "principal_phone",
                  "organisation", "ai_product", "ai_model", "similarity", "remedies",
                  "remedy_other", "whole_catalogue", "catalogue_identifiers",
                  "training_uses", "appeal_of", "appeal_grounds", "pages", "works",
                  "locations", "questions", "deadlines", "decision", "messages", "evidence"]

    @extend_schema_field(PagesSerializer)
    def get_pages(self, case) -> dict:
        return {name: page_summary(page) for name, page in case.rows_pages.items()}

    @extend_schema_field(WorkSerializer(many=True))
    def get_works(self, case) -> list:
        return WorkSerializer(case.rows_pages["works"].object_list, many=True).data

    @extend_schema_field(LocationSerializer(many=True))
    def get_locations(self, case) -> list:
        return LocationSerializer(case.rows_pages["locations"].object_list, many=True).data

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, case):
        decision = getattr(case, "decision", None)
        return DecisionSerializer(decision).data if decision else None


class BulkItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    reference = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkItemResultSerializer(many=True)
