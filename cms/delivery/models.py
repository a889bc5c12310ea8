from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingPurge(models.Model):
    """A cache purge that could not reach Redis; applied as soon as Redis answers again."""

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("pending cache purge")

    def __str__(self) -> str:
        return self.key
