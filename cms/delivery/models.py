"""What delivery keeps between a change and every cache hearing of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What frontends are told of, in one vocabulary: the kinds of change a propagation
    announces (cms.delivery.propagation), which publish receipts record and webhook events are
    sent as, and the admin's ping. The values are the webhook `type`s of the OpenAPI document."""

    PUBLISHED = "content.published", _("Content published")  # content changed
    RELEASE_PUBLISHED = "release.published", _("Release published")  # a release went live
    REFRESHED = "cache.refreshed", _("Cache refreshed")  # the cache was rebuilt, nothing changed
    PING = "ping", _("Ping")  # sent from the admin, to check an endpoint


# The kinds that change what readers are served (a refresh rebuilds the same content).
CONTENT_CHANGES = frozenset({EventKind.PUBLISHED, EventKind.RELEASE_PUBLISHED})


class PendingEdgePurge(models.Model):
    """What a purge could not reach in a shared cache in front of the API (an nginx instance,
    Varnish, a CDN): retried every few seconds by every app process until it gets through.
    Meanwhile the response's s-maxage (CMS_SHARED_MAX_AGE) bounds how stale it can be."""

    cache = models.CharField(max_length=300)  # the cache's name (cms.delivery.shared_caches)
    item = models.CharField(max_length=500)  # a cache key, tag or URL, as the cache purges it
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("pending edge purge")

    def __str__(self) -> str:
        return f"{self.item} on {self.cache}"


class UnfinishedPropagation(models.Model):
    """A committed change not yet propagated: written in the change's own transaction, deleted
    once every cache was purged and `propagated` was sent. A process that dies in between
    (killed, out of memory) leaves it, and another process finishes the job
    (cms.delivery.propagation.replay_unfinished): no change is ever left unannounced."""

    pairs = models.JSONField()  # [[locale code, section key], …]
    items = models.JSONField(default=list)  # cms.delivery.propagation.ChangedItem fields
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("unfinished propagation")

    def __str__(self) -> str:
        return f"{len(self.pairs)} section(s) changed at {self.created_at}"
