"""A case of one of four kinds, with the works and output locations it names.

Models hold data and invariants only. Every write goes through complaints.services.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from complaints.domain.labels import choice_display
from complaints.domain.languages import notice_language_label
from complaints.domain.lateness import late_clock
from complaints.domain.laws import Law
from complaints.domain.locations import is_web_address
from complaints.domain.priority import Priority
from complaints.domain.statements import statement_label
from complaints.domain.status import Status, desk_label


class CaseKind(models.TextChoices):
    OUTPUT_COMPLAINT = "output_complaint", _("Output complaint")
    TRAINING_OBJECTION = "training_objection", _("Training objection")
    INQUIRY = "inquiry", _("Inquiry")
    APPEAL = "appeal", _("Appeal")
    COUNTER_NOTICE = "counter_notice", _("Counter-notice")


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
    kind = models.CharField(_("kind"), max_length=24, choices=CaseKind.choices)  # indexed below
    get_kind_display = choice_display("kind")
    status = models.CharField(
        # Plain values as defaults: a migration then names "submitted", not the domain's enum.
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED.value,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, default="en",
        choices=Language.choices,
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL.value
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
    # The law the notice is made under (complaints.domain.laws); empty on cases filed
    # before it was asked for.
    law = models.CharField(_("law the notice is made under"), max_length=8, blank=True,
                           choices=Law.choices)
    principal_name = models.CharField(_("rights holder represented"), max_length=200, blank=True)
    authority_statement = models.TextField(_("statement of authority"), blank=True)
    # Where the filer (and the principal) can be reached: required under US law (DMCA
    # 512(c)(3)(A)(iv), complaints.domain.kinds); never shown to an output's owner.
    filer_postal_address = models.TextField(_("filer's postal address"), blank=True)
    filer_phone = models.CharField(_("filer's telephone"), max_length=40, blank=True)
    principal_postal_address = models.TextField(_("rights holder's postal address"),
                                                blank=True)
    principal_phone = models.CharField(_("rights holder's telephone"), max_length=40,
                                       blank=True)
    # The language the notice is written in (complaints.domain.languages), apart from the
    # language the filer is answered in (`language`).
    notice_language = models.CharField(_("language of the notice"), max_length=8,
                                       blank=True, db_index=True)

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
    # A counter-notice or an owner's appeal: the output owner who sent it.
    output_owner = models.ForeignKey(
        "OutputOwner", on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases", verbose_name=_("output owner"),
    )

    # Statements (DMCA 512(c)(3), DSA Art. 16(2))
    good_faith_statement = models.BooleanField(_("good-faith statement"), default=False)
    accuracy_statement = models.BooleanField(_("accuracy statement"), default=False)
    signature = models.CharField(_("signature (typed full name)"), max_length=200, blank=True)
    # The notice as sent: its canonical JSON text and that text's SHA-256
    # (complaints.domain.notice_copy), written once at filing, for the filer's copy.
    content_as_sent = models.TextField(_("notice as sent (canonical JSON)"), blank=True,
                                       editable=False)
    content_sha256 = models.CharField(_("SHA-256 of the notice as sent"), max_length=64,
                                      blank=True, editable=False)

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
            # With the id, a status's cases come in the queue's order straight from the
            # index: decided cases (no due date) were sorted by id, 250,000 of them at a
            # million cases, 0.4 s a page.
            models.Index(fields=["status", "next_due_at", "id"], name="case_status_queue_idx"),
            # A kind's open cases counted from the index alone: the appeals queue's count
            # read 45,000 rows of the table at a million cases to find 1,001 (11 ms, 0.2).
            models.Index(fields=["kind", "status"], name="case_kind_status_idx"),
            # The few escalated cases, in the queue's order.
            models.Index(fields=["next_due_at", "id"], condition=models.Q(escalated=True),
                         name="case_escalated_idx"),
            models.Index(fields=["filer", "-last_activity_at"], name="case_filer_idx"),
            models.Index(fields=["organisation", "-last_activity_at"], name="case_org_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return Status(self.status).is_open

    @property
    def late_deadline(self):
        """The running clock that makes this open case late, or None. Reads the case's
        deadlines: a list of cases prefetches them."""
        return late_clock(self.deadlines.all()) if self.is_open else None

    def get_desk_status_display(self) -> str:
        """The status as the desk names it (get_status_display speaks to the filer)."""
        return desk_label(self.status)

    @property
    def accuracy_statement_text(self) -> str:
        """The accuracy statement as the filer agreed to it: the wording of the case's law
        (or, for a question or an output owner's appeal, of its kind)."""
        return str(statement_label("accuracy_statement", kind=self.kind, law=self.law,
                                   by_output_owner=self.output_owner_id is not None))

    @property
    def notice_language_label(self) -> str:
        return notice_language_label(self.notice_language)

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
        SOFTWARE = "software", _("Software")
        BOOK = "book", _("Book")
        PHOTOGRAPH = "photograph", _("Photograph")
        FONT = "font", _("Font")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="works")
    title = models.CharField(_("title of the work"), max_length=300, db_index=True)
    kind = models.CharField(_("kind of work"), max_length=16, choices=Kind.choices)
    get_kind_display = choice_display("kind")  # read for every row of the case page
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
    # The works of the same notice this output copies, as the filer said (none: not said).
    # The automatic through table is written in bulk by case_submit.
    works = models.ManyToManyField(Work, blank=True, related_name="locations",
                                   verbose_name=_("works it copies"))
    owner = models.ForeignKey(
        "OutputOwner", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="locations", verbose_name=_("output owner"),
    )
    # Set when the filer retracted the notice for this location (or wholly).
    retraction = models.ForeignKey(
        "Retraction", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="locations", verbose_name=_("retraction"),
    )

    class Meta:
        verbose_name = _("output location")
        verbose_name_plural = _("output locations")
        ordering = ["position", "id"]

    def __str__(self):
        return self.url

    @property
    def copied_works(self) -> list:
        """The works it copies, as the filer said, in the notice's order (prefetch `works`
        for a list; a page of a notice that names none marks its rows `names_no_works`,
        and case_submit hands over what it wrote as `works_as_filed`: no query)."""
        if getattr(self, "names_no_works", False):
            return []
        works = getattr(self, "works_as_filed", None)
        if works is None:
            works = self.works.all()
        return sorted(works, key=lambda work: (work.position, work.pk))

    @property
    def copied_work_titles(self) -> list[str]:
        return [work.title for work in self.copied_works]

    @property
    def copied_work_numbers(self) -> list[int]:
        """The works it copies by their numbers in the case's works, counting from 1."""
        return [work.position + 1 for work in self.copied_works]

    @property
    def is_retracted(self) -> bool:
        return self.retraction_id is not None

    @property
    def is_web_address(self) -> bool:
        """Shown as a link only then: never a `javascript:` or `data:` location an older
        rule let in."""
        return is_web_address(self.url)
