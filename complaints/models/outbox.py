"""E-mails waiting to be sent, or sent."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.cases import Case


class Notification(models.Model):
    """An e-mail in the outbox. Its key makes it exist once; the worker sends it once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will be retried)")
        # The whole message went out, then the mail server's final reply never came: it
        # may have been delivered. Tried again only after a long wait, with the same
        # Message-ID (complaints.services.outbox.smtp, .delivery).
        UNCERTAIN = "uncertain", _("Sent, not confirmed (tried again later)")

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
        CASE_LATE_AGAIN = "case_late_again", _("Second late notice to the filer")
        DEADLINE_WARNING = "deadline_warning", _("Deadline warning (75%)")
        DEADLINE_BREACH = "deadline_breach", _("Deadline missed")
        DEADLINE_ESCALATION = "deadline_escalation", _(
            "Escalation: the date promised to the filer was missed")
        STAFF_DIGEST = "staff_digest", _("Daily digest")
        REGISTER_CONFIRMED = "register_confirmed", _("Training-use register: receipt")
        REGISTER_APPLIED = "register_applied", _("Training-use register: applied")
        REGISTER_NOT_POSSIBLE = "register_not_possible", _(
            "Training-use register: not possible")
        FILER_REPLIED = "filer_replied", _("The filer answered a request for information")
        CASE_RETRACTED = "case_retracted", _("Retraction confirmed to the filer")
        FAILED_EMAILS = "failed_emails", _("E-mails that could not be sent (hourly summary)")
        COUNTER_NOTICE_COPY = "counter_notice_copy", _(
            "Copy of a counter-notice to the complainant")
        COUNTER_NOTICE_RESTORED = "counter_notice_restored", _(
            "Output restored: to its owner")
        OUTPUT_RESTORED = "output_restored", _("Output restored: to the complainant")
        COUNTER_NOTICE_COURT_ACTION = "counter_notice_court_action", _(
            "Court action reported: to the output's owner")
        FILER_WARNED = "filer_warned", _("Warning to a filer of manifestly unfounded notices")
        FILER_SUSPENDED = "filer_suspended", _("Suspension of a filer's notices")
        OWNER_STATEMENT = "owner_statement", _("Statement of reasons to the output's owner")
        OWNER_LINK = "owner_link", _("A fresh link for the output's owner")

    key = models.CharField(_("key"), max_length=200, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2)
    # What was sent (or last tried): every e-mail is written with `context` only (ids and
    # plain values) and rendered from it by the worker at each attempt
    # (complaints.services.outbox).
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
    # When its last attempt failed and nothing will retry it (the supervisors' hourly
    # summary counts from here); cleared when the desk sends it again.
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True, db_index=True)
    # Sends whose final reply never came ("uncertain"), the last of them, and how many
    # times the row was sent again after one (each a possible duplicate, same Message-ID).
    uncertain_at = models.DateTimeField(_("last unconfirmed send at"), null=True, blank=True,
                                        db_index=True)
    uncertain_count = models.PositiveIntegerField(_("unconfirmed sends"), default=0)
    uncertain_resends = models.PositiveIntegerField(_("sent again after no confirmation"),
                                                    default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
                   # The last hourly summary of failed e-mails, among millions of rows.
                   models.Index(fields=["kind", "created_at"], name="notification_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
