"""What the REST API keeps: the first answer to each idempotent create."""
from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to a create sent with an Idempotency-Key; a retry gets it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="idempotency_user_key")]

    def __str__(self):
        return self.key
