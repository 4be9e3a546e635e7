"""Records nobody edits: audit events and e-mails."""
from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Language
from complaints.domain.events import EventType, event_label
from complaints.models import CaseEvent, Notification
from complaints.services.outbox import notifications_resend
from complaints.templatetags.kotae import event_sentence
from config.pagination import CappedCountPaginator


class RecordAdmin(admin.ModelAdmin):
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventTypeFilter(admin.SimpleListFilter):
    title = gettext_lazy("event")
    parameter_name = "event_type"

    def lookups(self, request, model_admin):
        return EventType.choices

    def queryset(self, request, queryset):
        if self.value() in EventType.values:
            return queryset.filter(event_type=self.value())
        return queryset


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    # Events in words, as on the case page: never their stored codes. What happened
    # comes before who did it, and both are short enough for the row to fit a screen.
    list_display = ["created_at", "case_reference", "event", "what_happened", "actor_name"]
    list_select_related = ["case", "actor"]
    list_filter = [EventTypeFilter]
    fields = ["case", "created_at", "event", "what_happened", "actor", "public"]
    readonly_fields = fields
    search_fields = ["=case__reference"]
    ordering = ["-created_at", "-pk"]

    @admin.display(description=gettext_lazy("event"), ordering="event_type")
    def event(self, obj):
        return event_label(obj.event_type)

    @admin.display(description=gettext_lazy("what happened"))
    def what_happened(self, obj):
        return event_sentence(obj)

    @admin.display(description=gettext_lazy("case"), ordering="case__reference")
    def case_reference(self, obj):
        return obj.case.reference

    @admin.display(description=gettext_lazy("actor"), ordering="actor__display_name")
    def actor_name(self, obj):
        return (obj.actor.display_name or obj.actor.email) if obj.actor else None


class LanguageFilter(admin.SimpleListFilter):
    """The e-mail's language by its name, not its code."""

    title = gettext_lazy("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return Language.choices

    def queryset(self, request, queryset):
        if self.value() in Language.values:
            return queryset.filter(language=self.value())
        return queryset


class GivenUpFilter(admin.SimpleListFilter):
    """E-mails out of attempts, which nothing but the desk will send (the supervisors'
    summary links here)."""

    title = gettext_lazy("attempts left")
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("final", gettext_lazy("None: failed for good"))]

    def queryset(self, request, queryset):
        if self.value() == "final":
            return queryset.filter(status=Notification.Status.FAILED,
                                   next_attempt_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = ["created_at", "kind", "recipient", "subject_or_pending", "status_words",
                    "attempts", "sent_at", "last_error_short"]
    actions = ["send_again"]
    list_filter = ["status", GivenUpFilter, "kind", LanguageFilter]
    search_fields = ["recipient", "subject", "=key"]
    ordering = ["-created_at", "-pk"]
    # What an operator reads: the e-mail as sent, in words. The row's key and refs are
    # for the program (and searchable by key), not for the page.
    fields = ["case", "kind", "recipient", "language_name", "subject", "status_words",
              "attempts",
              "last_error", "created_at", "next_attempt_at", "sent_at",
              "uncertain_count", "uncertain_at", "uncertain_resends", "body_text"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_words(self, obj):
        """Honest about an e-mail out of attempts: nothing will retry it but the desk."""
        if obj.status == Notification.Status.FAILED and obj.next_attempt_at is None:
            return gettext_lazy("Failed: no more attempts (send it again from the list)")
        return obj.get_status_display()

    @admin.action(description=gettext_lazy("Send the chosen failed e-mails again"))
    def send_again(self, request, queryset):
        count = notifications_resend(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext(
            "%(count)s e-mail will be sent again.", "%(count)s e-mails will be sent again.",
            count) % {"count": count})

    @admin.display(description=gettext_lazy("language"))
    def language_name(self, obj):
        return dict(Language.choices).get(obj.language, obj.language)

    @admin.display(description=gettext_lazy("subject"))
    def subject_or_pending(self, obj):
        return obj.subject or gettext_lazy("(written when it is sent)")

    @admin.display(description=gettext_lazy("last error"))
    def last_error_short(self, obj):
        return Truncator(obj.last_error).chars(80)

