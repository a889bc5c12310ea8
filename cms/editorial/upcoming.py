"""What is scheduled: every go-live, expiry and release to come, read from where Wagtail and
the releases keep them, for the dashboard's *Coming up* and the *Scheduled* report.

- a go-live: a revision with `approved_go_live_at` (scheduled by approval or a publisher);
  a release's own is a *release*;
- an expiry: a live item's `expire_at`.

The scheduler (cms.scheduling) acts on the same two columns, so what these pages show is what
will happen, and nothing is kept in step.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Revision

from cms.releases.models import Release
from cms.scheduling.scheduler import scheduled_models

from .links import edit_url


class Kind(StrEnum):
    GO_LIVE = "go-live"
    EXPIRY = "expiry"
    RELEASE = "release"

    @property
    def label(self) -> str:
        return str(
            {Kind.GO_LIVE: _("Goes live"), Kind.EXPIRY: _("Expires"), Kind.RELEASE: _("Release")}[
                self
            ]
        )


@dataclass(frozen=True)
class Scheduled:
    at: datetime
    kind: Kind
    item: Model
    locale: Locale | None  # None: a release (in the locales of its items)

    @property
    def title(self) -> str:
        return str(self.item)

    @property
    def content(self) -> str:
        return str(self.item._meta.verbose_name).capitalize()

    @property
    def locale_name(self) -> str:
        """Its locale; a release's, the locales of its items ("English, Arabic")."""
        if self.locale is not None:
            return str(self.locale.get_display_name())
        locales = Locale.objects.filter(pk__in=_locales(self)).order_by("pk")
        return ", ".join(str(locale.get_display_name()) for locale in locales)

    @property
    def day(self) -> Any:
        from django.utils.timezone import localtime

        return localtime(self.at).date()

    def is_in(self, locale_id: int) -> bool:
        """Whether it happens in this locale (a release: when any of its items is in it)."""
        return locale_id in _locales(self)

    @property
    def edit_url(self) -> str | None:
        return edit_url(self.item)


def scheduled(
    start: datetime,
    end: datetime | None = None,
    locale_ids: Collection[int] | None = None,
    kinds: Collection[Kind] | None = None,
) -> list[Scheduled]:
    """Everything scheduled from `start` (until `end`), soonest first; only in `locale_ids`
    (a release: when any of its items is), only of `kinds`, when given."""
    found = [*_go_lives(start, end), *_expiries(start, end)]
    if kinds is not None:
        found = [each for each in found if each.kind in kinds]
    if locale_ids is not None:
        wanted = set(locale_ids)
        found = [each for each in found if wanted & _locales(each)]
    return sorted(found, key=lambda each: (each.at, each.title))


def _locales(each: Scheduled) -> set[int]:
    if isinstance(each.item, Release):
        return each.item.locale_ids()
    return {each.locale.pk} if each.locale is not None else set()


def _go_lives(start: datetime, end: datetime | None) -> Iterator[Scheduled]:
    revisions = Revision.objects.filter(approved_go_live_at__gte=start)
    if end is not None:
        revisions = revisions.filter(approved_go_live_at__lt=end)
    release_type = ContentType.objects.get_for_model(Release)
    for revision in revisions.select_related("content_type"):
        item = revision.content_object
        if item is None:
            continue
        item = getattr(item, "specific", item)
        is_release = revision.base_content_type_id == release_type.pk
        yield Scheduled(
            revision.approved_go_live_at,
            Kind.RELEASE if is_release else Kind.GO_LIVE,
            revision.as_object() if not is_release else item,  # named as it will be
            getattr(item, "locale", None),
        )


def _expiries(start: datetime, end: datetime | None) -> Iterator[Scheduled]:
    for model in scheduled_models():
        items = model._default_manager.filter(live=True, expire_at__gte=start)
        if end is not None:
            items = items.filter(expire_at__lt=end)
        for item in items:
            item = getattr(item, "specific", item)
            yield Scheduled(item.expire_at, Kind.EXPIRY, item, getattr(item, "locale", None))
