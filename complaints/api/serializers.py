"""What the API reads and writes. Filing rules are the portal's: the same exact-location
check, the same statements, the same rows a kind requires."""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Language
from complaints.forms import location_validate
from complaints.models import (
    Case,
    CaseKind,
    Deadline,
    Decision,
    Evidence,
    FiledAs,
    Message,
    OutputLocation,
    Question,
    Remedy,
    TrainingUse,
    Work,
)
from complaints.services.cases import CaseDraft, LocationData, WorkData

MAX_ROWS = 500
MAX_QUESTIONS = 50
FILABLE_KINDS = [CaseKind.OUTPUT_COMPLAINT, CaseKind.TRAINING_OBJECTION, CaseKind.INQUIRY]
FILABLE_KIND_CHOICES = [(k.value, k.label) for k in FILABLE_KINDS]


# --- Writing ------------------------------------------------------------------
class WorkInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Work.Kind.choices)
    rights_holder = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                          default="")
    identifier = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                       default="")


class LocationInSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=1000,
        help_text="The exact output: its URL, a share link or the generation id (not a "
                  "site's or channel's home page).")
    seen_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    prompt = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=10000)

    def validate_url(self, value):
        try:
            return location_validate(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class _Statements(serializers.Serializer):
    filed_as = serializers.ChoiceField(choices=FiledAs.choices, default=FiledAs.RIGHTS_HOLDER)
    principal_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                           default="",
                                           help_text="When filing as an agent: who you act for.")
    authority_statement = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000,
        help_text="When filing as an agent: how you are authorised to act for them.")
    organisation = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="Id of one of your organisations, to share the case with its members.")
    good_faith_statement = serializers.BooleanField(
        required=False, default=False,
        help_text="Required (true) for output complaints, training objections and appeals.")
    accuracy_statement = serializers.BooleanField(help_text="Must be true.")
    signature = serializers.CharField(max_length=200,
                                      help_text="Your full name, typed: it signs the "
                                                "statements.")

    def validate_organisation(self, value):
        user = self.context["request"].user
        if value is not None and not user.memberships.filter(organisation_id=value).exists():
            raise serializers.ValidationError(_("You are not a member of this organisation."))
        return value

    def validate(self, attrs):
        errors = {}
        if attrs.get("filed_as") == FiledAs.AGENT:
            if not attrs.get("principal_name", "").strip():
                errors["principal_name"] = [_("Name the rights holder you act for.")]
            if not attrs.get("authority_statement", "").strip():
                errors["authority_statement"] = [
                    _("Say how you are authorised to act for them.")]
        if not attrs.get("accuracy_statement"):
            errors["accuracy_statement"] = [_("This statement is required.")]
        if self.needs_good_faith(attrs) and not attrs.get("good_faith_statement"):
            errors["good_faith_statement"] = [_("This statement is required.")]
        if not attrs.get("signature", "").strip():
            errors["signature"] = [_("Type your full name to sign.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def needs_good_faith(self, attrs) -> bool:
        return True


class CaseCreateSerializer(_Statements):
    """A new output complaint, training objection or inquiry. Which fields a kind needs
    is said on each field; a missing one is named in the error's `fields`."""

    kind = serializers.ChoiceField(choices=FILABLE_KIND_CHOICES)
    title = serializers.CharField(max_length=200)
    language = serializers.ChoiceField(
        choices=Language.choices, required=False,
        help_text="The language the filer wants answers in; your account's by default.")
    ai_product = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                       default="",
                                       help_text="Required for output complaints.")
    ai_model = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     default="")
    similarity = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=20000,
                                       help_text="Output complaints: what is similar.")
    remedies = serializers.ListField(
        child=serializers.ChoiceField(choices=Remedy.choices), required=False, default=list,
        max_length=len(Remedy.choices), help_text="Output complaints: at least one.")
    remedy_other = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                         default="")
    whole_catalogue = serializers.BooleanField(required=False, default=False)
    catalogue_identifiers = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20000,
        help_text="Training objections for a whole catalogue: sites, domains or titles, "
                  "one a line.")
    training_uses = serializers.ListField(
        child=serializers.ChoiceField(choices=TrainingUse.choices), required=False,
        default=list, max_length=len(TrainingUse.choices),
        help_text="Training objections: at least one.")
    works = WorkInSerializer(many=True, required=False, default=list, max_length=MAX_ROWS,
                             help_text="Output complaints: at least one. Training "
                                       "objections: at least one unless whole_catalogue.")
    locations = LocationInSerializer(many=True, required=False, default=list,
                                     max_length=MAX_ROWS,
                                     help_text="Output complaints: at least one.")
    questions = serializers.ListField(
        child=serializers.CharField(max_length=4000), required=False, default=list,
        max_length=MAX_QUESTIONS, help_text="Inquiries: at least one.")

    def needs_good_faith(self, attrs) -> bool:
        return attrs.get("kind") != CaseKind.INQUIRY

    def validate(self, attrs):
        errors = {}
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        kind = attrs.get("kind")
        required = _("This field is required.")
        if kind == CaseKind.OUTPUT_COMPLAINT:
            for name in ("ai_product", "similarity"):
                if not attrs.get(name, "").strip():
                    errors[name] = [required]
            if not attrs.get("remedies"):
                errors["remedies"] = [_("Choose at least one.")]
            elif Remedy.OTHER in attrs["remedies"] and not attrs.get("remedy_other", "").strip():
                errors["remedy_other"] = [_("Describe the other request.")]
            if not attrs.get("works"):
                errors["works"] = [_("Name at least one of your works.")]
            if not attrs.get("locations"):
                errors["locations"] = [_("Give at least one exact output location.")]
        elif kind == CaseKind.TRAINING_OBJECTION:
            if not attrs.get("training_uses"):
                errors["training_uses"] = [_("Choose at least one.")]
            if attrs.get("whole_catalogue"):
                if not attrs.get("catalogue_identifiers", "").strip():
                    errors["catalogue_identifiers"] = [
                        _("Say how we can recognise the catalogue: sites, domains or a "
                          "title list.")]
            elif not attrs.get("works"):
                errors["works"] = [_("Name at least one of your works.")]
        elif kind == CaseKind.INQUIRY:
            if not [q for q in attrs.get("questions", []) if q.strip()]:
                errors["questions"] = [_("Ask at least one question.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def draft(self) -> CaseDraft:
        data = self.validated_data
        user = self.context["request"].user
        kind = data["kind"]
        return CaseDraft(
            kind=kind, title=data["title"], language=data.get("language") or user.language,
            filed_as=data["filed_as"], principal_name=data["principal_name"],
            authority_statement=data["authority_statement"],
            organisation_id=data["organisation"],
            ai_product=data["ai_product"] if kind != CaseKind.TRAINING_OBJECTION else "",
            ai_model=data["ai_model"] if kind != CaseKind.TRAINING_OBJECTION else "",
            similarity=data["similarity"] if kind == CaseKind.OUTPUT_COMPLAINT else "",
            remedies=data["remedies"] if kind == CaseKind.OUTPUT_COMPLAINT else [],
            remedy_other=data["remedy_other"] if kind == CaseKind.OUTPUT_COMPLAINT else "",
            whole_catalogue=data["whole_catalogue"] and kind == CaseKind.TRAINING_OBJECTION,
            training_uses=data["training_uses"] if kind == CaseKind.TRAINING_OBJECTION else [],
            catalogue_identifiers=data["catalogue_identifiers"]
            if kind == CaseKind.TRAINING_OBJECTION else "",
            good_faith_statement=data["good_faith_statement"],
            accuracy_statement=data["accuracy_statement"], signature=data["signature"],
            works=[WorkData(**w) for w in data["works"]],
            locations=[LocationData(**loc) for loc in data["locations"]]
            if kind == CaseKind.OUTPUT_COMPLAINT else [],
            questions=[q for q in data["questions"] if q.strip()]
            if kind == CaseKind.INQUIRY else [],
        )


class AppealCreateSerializer(_Statements):
    appeal_grounds = serializers.CharField(max_length=20000,
                                           help_text="Why the decision should change.")

    def draft(self, case: Case) -> CaseDraft:
        data = self.validated_data
        return CaseDraft(
            kind=CaseKind.APPEAL, title=str(_("Appeal against %(reference)s")
                                            % {"reference": case.reference}),
            language=case.language, filed_as=data["filed_as"],
            principal_name=data["principal_name"],
            authority_statement=data["authority_statement"],
            organisation_id=data["organisation"] or case.organisation_id,
            appeal_of_id=case.pk, appeal_grounds=data["appeal_grounds"],
            good_faith_statement=data["good_faith_statement"],
            accuracy_statement=data["accuracy_statement"], signature=data["signature"],
        )


class BulkCreateSerializer(serializers.Serializer):
    cases = serializers.ListField(child=serializers.DictField(), min_length=1,
                                  max_length=MAX_ROWS,
                                  help_text="Up to 500 cases, each as for a single create.")


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   default="")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Images, PDFs or videos; checked by content.")


# --- Reading ------------------------------------------------------------------
class WorkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Work
        fields = ["title", "kind", "rights_holder", "identifier"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutputLocation
        fields = ["url", "seen_at", "prompt"]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["text", "answer_category", "answer_text", "answered_at"]


class DeadlineSerializer(serializers.ModelSerializer):
    on_time = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["clock", "started_at", "due_at", "paused_at", "met_at", "breached_at",
                  "cancelled_at", "on_time"]

    def get_on_time(self, deadline) -> bool | None:
        """True if met on time, False if met late or overdue, null while it runs."""
        if deadline.met_at:
            return deadline.due_at is None or deadline.met_at <= deadline.due_at
        return False if deadline.breached_at else None


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "actions", "facts", "ground", "automated_means",
                  "automated_detail", "decided_at", "appeal_deadline"]


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
    url = serializers.SerializerMethodField(help_text="The case's page in the portal.")

    class Meta:
        model = Case
        fields = ["reference", "kind", "status", "title", "language", "submitted_at",
                  "updated_at", "next_due_at", "decided_at", "closed_at", "url"]

    def get_url(self, case) -> str:
        return settings.SITE_URL + reverse("complaints:case_detail", args=[case.reference])


class CaseDetailSerializer(CaseSummarySerializer):
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    appeal_of = serializers.CharField(source="appeal_of.reference", allow_null=True,
                                      default=None)
    works = WorkSerializer(many=True)
    locations = LocationSerializer(many=True)
    questions = QuestionSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    decision = serializers.SerializerMethodField()
    messages = MessageSerializer(many=True, source="public_messages")
    evidence = EvidenceSerializer(many=True)

    class Meta(CaseSummarySerializer.Meta):
        fields = [*CaseSummarySerializer.Meta.fields, "filed_as", "principal_name",
                  "organisation", "ai_product", "ai_model", "similarity", "remedies",
                  "remedy_other", "whole_catalogue", "catalogue_identifiers",
                  "training_uses", "appeal_of", "appeal_grounds", "works", "locations",
                  "questions", "deadlines", "decision", "messages", "evidence"]

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
