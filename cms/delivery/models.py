import time

from django.db import models
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string


class ContentGeneration(models.Model):
    """A counter that every change to published content moves on, in the change's own
    transaction: the one truth of how new a cached copy must be. Every cached entry is stamped
    with it, and none older than the newest a process has seen is served
    (cms.delivery.generation)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        app_label = "cms"
        verbose_name = _("content generation")

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        value = cls.objects.filter(pk=1).values_list("value", flat=True).first()
        return int(value or 0)

    @classmethod
    def advance(cls) -> int:
        """Move it on; returns the new value (visible to others once the transaction commits).

        It moves to the clock (in microseconds) when that is further: a database restored from
        an older backup holds an older generation than the processes have seen, and they would
        trust none of the copies stamped with it; the first change after the restore (or
        `manage.py purge_cache`) moves it past anything they saw."""
        moved = Greatest(models.F("value") + 1, models.Value(time.time_ns() // 1000))
        if not cls.objects.filter(pk=1).update(value=moved):
            cls.objects.get_or_create(pk=1, defaults={"value": 0})
            cls.objects.filter(pk=1).update(value=moved)
        return cls.current()


class PendingEdgePurge(models.Model):
    """What a purge could not reach in a shared cache in front of the API (an nginx instance,
    Varnish, a CDN): retried every few seconds by every app process until it gets through.
    Meanwhile the response's s-maxage (CMS_SHARED_MAX_AGE) bounds how stale it can be."""

    cache = models.CharField(max_length=300)  # the cache's name (cms.delivery.edge)
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


class PreparedImage(models.Model):
    """An image's renditions for every slot (cms.delivery.images), made ahead of time from one
    version of it (its file and focal point) by cms.delivery.renditions. The payload shows an
    image only through one of these: the current version's, else the newest before it, so a
    new focal point shows once all its renditions exist, never half of them."""

    image = models.ForeignKey(
        get_image_model_string(), on_delete=models.CASCADE, related_name="prepared_versions"
    )
    file_name = models.CharField(max_length=255)  # the file they were made from
    version = models.CharField(max_length=400)  # the file and its focal point
    renditions = models.JSONField(default=dict)  # {spec: rendition id}
    placeholders = models.JSONField(default=dict)  # {slot: a tiny image, as a data URI}
    color = models.CharField(max_length=7)  # the image's average colour, "#rrggbb"
    prepared_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("prepared image")
        constraints = [
            models.UniqueConstraint(fields=["image", "version"], name="one_preparation_a_version")
        ]

    def __str__(self) -> str:
        return f"{self.image_id} @ {self.version}"
