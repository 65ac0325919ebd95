from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A create already done for (user, Idempotency-Key): a retry returns the same
    record instead of making a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"
