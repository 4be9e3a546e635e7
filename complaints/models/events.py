"""The audit trail of a case, and the database's own lock on it."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.domain.events import event_label
from complaints.models.cases import Case


class AppendOnlyError(Exception):
    pass


# The database refuses UPDATE and DELETE on the audit trail (migration 0025: a trigger on
# PostgreSQL and on SQLite). SQLite remakes a table to alter it, which drops its
# triggers: a migration that alters CaseEvent must create them again
# (tests/complaints/models/test_events.py checks they are there).
_UNLOCKED: ContextVar[bool] = ContextVar("kotae_audit_unlocked", default=False)


@contextmanager
def audit_trail_unlocked(using: str = "default") -> Iterator[None]:
    """Lift the lock for what runs inside: only for the development tools (a demo history
    moved to the past, `flush` on SQLite), never for the product. On PostgreSQL it holds
    to the end of the transaction at most."""
    connection = connections[using]
    token = _UNLOCKED.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('kotae.audit_unlocked', 'on', true)")
        yield
    finally:
        _UNLOCKED.reset(token)
        if connection.vendor == "postgresql" and connection.in_atomic_block \
                and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('kotae.audit_unlocked', 'off', true)")


def sqlite_functions_add(sender, connection, **kwargs) -> None:
    """The function SQLite's triggers ask whether the lock is lifted (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "kotae_audit_unlocked", 0, lambda: int(_UNLOCKED.get()))


class CaseEvent(models.Model):
    """The audit trail: append-only, written by the service that makes the change."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events",
                             verbose_name=_("case"))
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
        return pgettext("an audit event", "%(event)s · %(when)s") % {
            "event": event_label(self.event_type),
            "when": formats.date_format(timezone.localtime(self.created_at),
                                        "DATETIME_FORMAT")}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
