"""The domain of PRODUCT.md: cases of four kinds, their parts, clocks, outbox and audit.

Models hold data and invariants only. Every write goes through complaints.services.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from complaints.status import Status


class CaseKind(models.TextChoices):
    OUTPUT_COMPLAINT = "output_complaint", _("Output complaint")
    TRAINING_OBJECTION = "training_objection", _("Training objection")
    INQUIRY = "inquiry", _("Inquiry")
    APPEAL = "appeal", _("Appeal")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class FiledAs(models.TextChoices):
    RIGHTS_HOLDER = "rights_holder", _("The rights holder (or their employee)")
    AGENT = "agent", _("An agent for a named rights holder")


class Remedy(models.TextChoices):
    REMOVE_OUTPUT = "remove_output", _("Remove the output")
    BLOCK_PROMPTS = "block_prompts", _("Block prompts or characters")
    EXCLUDE_TRAINING = "exclude_training", _("Exclude the works from training")
    EXPLANATION = "explanation", _("An explanation")
    OTHER = "other", _("Other")


class TrainingUse(models.TextChoices):
    TRAINING = "training", _("Training")
    FINE_TUNING = "fine_tuning", _("Fine-tuning")
    RETRIEVAL = "retrieval", _("Retrieval")
    STYLE_IMITATION = "style_imitation", _("Style imitation")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True)
    kind = models.CharField(_("kind"), max_length=24, choices=CaseKind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, default="en",
        choices=Language.choices,
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )

    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filed_cases",
        verbose_name=_("filer"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases", verbose_name=_("organisation"),
    )
    filed_as = models.CharField(
        _("filing as"), max_length=16, choices=FiledAs.choices, default=FiledAs.RIGHTS_HOLDER
    )
    principal_name = models.CharField(_("rights holder represented"), max_length=200, blank=True)
    authority_statement = models.TextField(_("statement of authority"), blank=True)

    # Output complaint
    ai_product = models.CharField(_("AI product"), max_length=200, blank=True, db_index=True)
    ai_model = models.CharField(_("AI model"), max_length=200, blank=True)
    similarity = models.TextField(_("what is similar"), blank=True)
    remedies = models.JSONField(_("remedies asked for"), default=list, blank=True)
    remedy_other = models.CharField(_("other remedy"), max_length=500, blank=True)

    # Training objection (a reservation) or a permission the company records.
    whole_catalogue = models.BooleanField(_("whole catalogue"), default=False)
    training_uses = models.JSONField(_("uses covered"), default=list, blank=True)
    catalogue_identifiers = models.TextField(
        _("catalogue identifiers (URLs, domains, titles)"), blank=True
    )
    fulfilment_note = models.TextField(_("fulfilment record"), blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    # Appeal
    appeal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals",
        verbose_name=_("appeal against"),
    )
    appeal_grounds = models.TextField(_("grounds of appeal"), blank=True)

    # Statements (DMCA 512(c)(3), DSA Art. 16(2))
    good_faith_statement = models.BooleanField(_("good-faith statement"), default=False)
    accuracy_statement = models.BooleanField(_("accuracy statement"), default=False)
    signature = models.CharField(_("signature (typed full name)"), max_length=200, blank=True)

    # Desk
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_cases", verbose_name=_("assignee"),
    )
    escalated = models.BooleanField(_("escalated"), default=False)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    linked_cases = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("linked cases"),
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["next_due_at", "id"], name="case_next_due_idx"),
            models.Index(fields=["assignee", "next_due_at"], name="case_assignee_idx"),
            models.Index(fields=["status", "next_due_at"], name="case_queue_idx"),
            models.Index(fields=["filer", "-last_activity_at"], name="case_filer_idx"),
            models.Index(fields=["organisation", "-last_activity_at"], name="case_org_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return Status(self.status).is_open

    @property
    def remedy_labels(self) -> list[str]:
        return [str(Remedy(r).label) for r in self.remedies if r in Remedy.values]

    @property
    def training_use_labels(self) -> list[str]:
        return [str(TrainingUse(u).label) for u in self.training_uses if u in TrainingUse.values]


class Work(models.Model):
    class Kind(models.TextChoices):
        ANIME = "anime", _("Anime")
        MANGA = "manga", _("Manga")
        GAME = "game", _("Game")
        FILM = "film", _("Film")
        ILLUSTRATION = "illustration", _("Illustration")
        CHARACTER = "character", _("Character")
        MUSIC = "music", _("Music")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="works")
    title = models.CharField(_("title of the work"), max_length=300, db_index=True)
    kind = models.CharField(_("kind of work"), max_length=16, choices=Kind.choices)
    rights_holder = models.CharField(_("rights holder"), max_length=200, blank=True)
    identifier = models.CharField(
        _("official URL or identifier"), max_length=500, blank=True, db_index=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class OutputLocation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="locations")
    url = models.CharField(
        _("exact location (URL, share link or generation id)"), max_length=1000, db_index=True
    )
    seen_at = models.DateTimeField(_("when seen"), null=True, blank=True)
    prompt = models.TextField(_("prompt, if known"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("output location")
        verbose_name_plural = _("output locations")
        ordering = ["position", "id"]

    def __str__(self):
        return self.url


def evidence_upload_to(instance, filename):
    # A random name: the filer's file name is kept only as data, never as a path.
    return f"evidence/{instance.public_id.hex[:2]}/{instance.public_id.hex}"


class Evidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def staged_upload_to(instance, filename):
    return f"evidence/{instance.public_id.hex[:2]}/{instance.public_id.hex}"


class StagedUpload(models.Model):
    """A file checked and stored while its form is not yet complete.

    It becomes Evidence when the filing goes through, so a form with an error, a
    row added without JavaScript, or a login in the middle loses no file.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=staged_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("file waiting for its filing")
        verbose_name_plural = _("files waiting for their filing")

    def __str__(self):
        return self.original_name


class Feedback(models.Model):
    """The filer's answer to "did this answer help?"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    helpful = models.BooleanField(_("the answer helped"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="feedback_once_per_person")
        ]

    def __str__(self):
        return f"{self.case_id}: {'yes' if self.helpful else 'no'}"


class Question(models.Model):
    """One question of an inquiry, and its answer with an explicit category."""

    class Category(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PARTLY = "partly", _("Partly")
        UNKNOWN = "unknown", _("Unknown")
        CANNOT_DISCLOSE = "cannot_disclose", _("Cannot disclose")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    position = models.PositiveIntegerField(default=0)
    answer_category = models.CharField(
        _("answer category"), max_length=16, choices=Category.choices, blank=True
    )
    answer_text = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text[:80]


class Message(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public reply (the filer sees it)")
        INTERNAL = "internal", _("Internal note (operators only)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("author"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    body = models.TextField(_("message"))
    from_staff = models.BooleanField(_("from the desk"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id}: {self.body[:60]}"


class Decision(models.Model):
    """A statement of reasons (DSA Art. 17(3))."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld: action taken")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld: no action")
        ANSWERED = "answered", _("Answered")
        REVERSED = "reversed", _("Earlier decision reversed")
        CONFIRMED = "confirmed", _("Earlier decision confirmed")

    class Action(models.TextChoices):
        OUTPUT_REMOVED = "output_removed", _("Output removed")
        PROMPT_BLOCKED = "prompt_blocked", _("Prompt or character blocked")
        EXCLUDED_FROM_TRAINING = "excluded_from_training", _("Works excluded from training")
        NO_ACTION = "no_action", _("No action")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    actions = models.JSONField(_("actions taken"), default=list)
    facts = models.TextField(_("facts relied on"))
    ground = models.TextField(_("ground (law or policy)"))
    automated_means = models.BooleanField(_("automated means were used"), default=False)
    automated_detail = models.TextField(_("how automated means were used"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    appeal_deadline = models.DateTimeField(_("appeal possible until"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.case_id}: {self.get_outcome_display()}"

    @property
    def action_labels(self) -> list[str]:
        return [str(self.Action(a).label) for a in self.actions if a in self.Action.values]


class Deadline(models.Model):
    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        DECISION = "decision", _("Decision")
        FILER_REPLY = "filer_reply", _("Filer's reply")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    clock = models.CharField(_("clock"), max_length=16, choices=Clock.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, db_index=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("filer reminded at"), null=True, blank=True)
    # Business minutes (of the clock's calendar) from start to met, paused time
    # included: what the transparency report's medians are made of.
    met_business_minutes = models.PositiveIntegerField(
        _("business minutes taken"), null=True, blank=True)
    # When the sweep must next look at this clock (a warning, a breach, a reminder);
    # empty when nothing is left to do. The sweep reads only this index.
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True,
                                         db_index=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "clock"], name="deadline_case_clock_unique")
        ]

    def __str__(self):
        return f"{self.case_id} {self.clock} {self.due_at}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.cancelled_at is None and self.paused_at is None

    @property
    def was_met_on_time(self) -> bool | None:
        if self.met_at is None or self.due_at is None:
            return None
        return self.met_at <= self.due_at


class Notification(models.Model):
    """An e-mail in the outbox. Its key makes it exist once; the worker sends it once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will be retried)")

    class Kind(models.TextChoices):
        """One per e-mail template (templates/emails/<kind>.*)."""
        ACCOUNT_VERIFY = "account_verify", _("Confirm your e-mail address")
        ACCOUNT_PASSWORD_RESET = "account_password_reset", _("Password reset")
        ORGANISATION_INVITATION = "organisation_invitation", _("Invitation to an organisation")
        CASE_RECEIPT = "case_receipt", _("Receipt to the filer")
        CASE_REPLY = "case_reply", _("Reply to the filer")
        CASE_INFO_REQUESTED = "case_info_requested", _("Request for information")
        CASE_REPLY_REMINDER = "case_reply_reminder", _("Reminder to reply")
        CASE_CLOSED_NO_REPLY = "case_closed_no_reply", _("Closed without a reply")
        CASE_DECISION = "case_decision", _("Decision")
        CASE_MERGED = "case_merged", _("Merged with another case")
        CASE_LATE = "case_late", _("Late notice to the filer")
        DEADLINE_WARNING = "deadline_warning", _("Deadline warning (75%)")
        DEADLINE_BREACH = "deadline_breach", _("Deadline missed")
        STAFF_DIGEST = "staff_digest", _("Daily digest")
        REGISTER_CONFIRMED = "register_confirmed", _("Training-use register: receipt")
        REGISTER_APPLIED = "register_applied", _("Training-use register: applied")
        REGISTER_NOT_POSSIBLE = "register_not_possible", _(
            "Training-use register: not possible")

    key = models.CharField(_("key"), max_length=200, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2)
    # Written at once for most e-mails; the sweep leaves them empty and stores in
    # `context` what to render them from, so the worker renders them at delivery.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class CannedResponse(models.Model):
    """A reply template, one row per language. Placeholders: {filer_name}, {reference},
    {work_titles}, {case_title}."""

    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=2,
                                choices=Language.choices)
    body = models.TextField(
        _("text"),
        help_text=_("You can use {filer_name}, {reference}, {case_title} and {work_titles}."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="canned_name_language")
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class AppendOnlyError(Exception):
    pass


class CaseEvent(models.Model):
    """The audit trail: append-only, written by the service that makes the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    event_type = models.CharField(_("event"), max_length=40, db_index=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    public = models.BooleanField(_("shown to the filer"), default=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.event_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


# The clock's and the API's models live in their own modules; Django finds them here.
from complaints.models_api import (  # noqa: E402, F401
    IdempotencyRecord,
    WebhookDelivery,
    WebhookEndpoint,
)
from complaints.models_clock import (  # noqa: E402, F401
    BusinessCalendar,
    CalendarClosure,
    DeadlinePolicy,
)
from complaints.models_register import RegisterEntry  # noqa: E402, F401
from complaints.models_transparency import TransparencySnapshot  # noqa: E402, F401
