from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingPurge(models.Model):
    """A cache purge that could not reach Redis; applied as soon as Redis answers again."""

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending cache purge")

    def __str__(self):
        return self.key


class WebsiteCache(models.Model):
    """No table: carries the permission to refresh the website cache from the admin."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("refresh_website_cache", _("Can refresh the website cache"))]

    def __str__(self):
        return "website cache"
