"""The content generation: the one stamp that says which cached copies may be served."""

import time

from django.db import models
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _


class ContentGeneration(models.Model):
    """A counter that every change to published content moves on, in the change's own
    transaction: the one truth of how new a cached copy must be. Every cached entry is stamped
    with it, and none older than the newest a process has seen is served
    (cms.cache.generation)."""

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
