"""What is said on a case: the filer's questions with their answers, and messages."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.questions import AnswerCategory
from complaints.models.cases import Case


class Question(models.Model):
    """One question of an inquiry, and its answer with an explicit category."""

    Category = AnswerCategory  # the domain's choices, as Question.Category

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
        # The answer-quality screen counts the answers of a period's first and last hour.
        indexes = [models.Index(fields=["answered_at"], name="question_answered_at_idx")]

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
