"""What can be in a release, and how items join, move on and leave it.

Anything the website-data payload shows from rows that editors publish can be in a release:
the site-content snippets and the home pages (cms.delivery.sections). An item joins pinned to
its latest revision; editing the item afterwards does not change what the release publishes
until an editor updates the item in it (`changed_since_added` says when to). An item is in
at most one release that has not gone live, so two launches never fight over it.

Every change to what is in a release is a new revision of it, so the revision approvers
approve holds the items as they saw them. A release that was approved and is waiting for its
go-live time is frozen: changing it cancels its schedule, and it needs approval again. While
it is in moderation, only its approvers may change it (Wagtail's workflow lock).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from wagtail.locks import ScheduledForPublishLock
from wagtail.models import Revision

from cms.delivery.sections import SECTIONS

from .models import Release, ReleaseItem

RELEASABLE: tuple[type[models.Model], ...] = tuple(section.model for section in SECTIONS)


class NotAllowed(Exception):
    """The change to the release cannot be made: the message says why."""


def is_releasable(model: type[models.Model]) -> bool:
    return issubclass(model, RELEASABLE)


def release_of(item: models.Model, excluding: Release | None = None) -> Release | None:
    """The release, not yet live, that `item` is in (at most one)."""
    rows = ReleaseItem.objects.filter(
        release__launched_at__isnull=True,
        content_type=_content_type(item),
        object_id=str(item.pk),
    )
    if excluding is not None:
        rows = rows.exclude(release=excluding)
    row = rows.select_related("release").first()
    return None if row is None else row.release


def changed_since_added(row: ReleaseItem) -> bool:
    """The item has a newer version than the one pinned in the release."""
    if row.action != ReleaseItem.Action.PUBLISH:
        return False
    target = row.target()
    return target is not None and target.latest_revision_id != row.revision_id


def add(
    release: Release,
    items: Iterable[models.Model],
    user: Any,
    action: str = ReleaseItem.Action.PUBLISH,
) -> list[ReleaseItem]:
    """Add each item to `release`, pinned to its latest version (or to be unpublished)."""
    with _changing(release, user):
        added = []
        for item in items:
            item = getattr(item, "specific", item)
            if not is_releasable(type(item)):
                raise NotAllowed(_("“%(item)s” cannot be in a release.") % {"item": item})
            other = release_of(item, excluding=release)
            if other is not None:
                raise NotAllowed(
                    _("“%(item)s” is already in the release “%(release)s”.")
                    % {"item": item, "release": other}
                )
            row = ReleaseItem.objects.filter(
                release=release, content_type=_content_type(item), object_id=str(item.pk)
            ).first() or ReleaseItem(
                release=release, content_type=_content_type(item), object_id=str(item.pk)
            )
            row.action = action
            row.locale_id = getattr(item, "locale_id", None)
            row.revision = _latest_revision(item, user) if action == "publish" else None
            row.label = _label(item, row.revision)
            row.save()
            added.append(row)
        return added


def update(row: ReleaseItem, user: Any) -> ReleaseItem:
    """Pin the item's latest version instead of the one it joined with."""
    target = row.target()
    if target is None:
        raise NotAllowed(_("“%(item)s” was deleted.") % {"item": row.label})
    with _changing(row.release, user):
        row.revision = _latest_revision(target, user)
        row.label = _label(target, row.revision)
        row.save(update_fields=["revision", "label"])
    return row


def remove(row: ReleaseItem, user: Any) -> None:
    with _changing(row.release, user):
        row.delete()


@contextmanager
def _changing(release: Release, user: Any) -> Iterator[None]:
    """Around every change to what is in a release: refused once it is live, or while it is
    locked for `user` (in moderation, or being edited by someone else); afterwards, a new
    revision of the release, and its schedule cancelled (approving it again schedules it)."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.launched_at is not None:
            raise NotAllowed(_("This release is live: roll it back instead."))
        lock = release.get_lock()
        if (
            lock is not None
            and lock.for_user(user)
            and not isinstance(lock, ScheduledForPublishLock)
        ):
            raise NotAllowed(str(lock.get_message(user)))
        yield
        Revision.objects.filter(
            base_content_type=release.get_base_content_type(), object_id=str(release.pk)
        ).update(approved_go_live_at=None)
        release.save_revision(user=user, log_action=True)


def _latest_revision(item: Any, user: Any) -> Revision:
    """The item's latest revision; an item saved only in code gets its first one now."""
    return item.latest_revision or item.save_revision(user=user)


def _label(item: Any, revision: Revision | None) -> str:
    """The item as the version the release publishes calls it."""
    return (revision.object_str if revision is not None else str(item))[:255]


def _content_type(item: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(item)
