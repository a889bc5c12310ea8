"""A release going live, all of it or none of it, and a release rolled back.

`launch` is what publishing a release does (Release.publish: approval, the scheduler, a
publisher's Publish all end here):

- every item's change, in one database transaction: the pinned revisions published, the
  items to unpublish unpublished, and the release itself marked live. Readers see the site
  as it was, or with the whole release, never half of it;
- one propagation (cms.delivery.propagation.releasing): Redis and every shared cache purged
  once the transaction commits, one receipt, and one `release.published` event per webhook
  endpoint and locale that names the release and its items;
- if any change cannot be made (an item deleted since it joined, a pinned version deleted,
  a version that no longer validates), nothing is published: the release keeps the reason
  (`Release.failure`), its schedule is cancelled, and the editor can fix it and try again.

A release whose go-live time is in the future is scheduled instead, as any item is: the
scheduler's sweep publishes it when its time comes (cms.scheduling.scheduler).

`roll_back` makes a release of its own that puts every item back as it was before the
release: the versions then live are published again, the items that were new are
unpublished. It is launched at once, so it can be seen in the list of releases, and undone.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.actions.unpublish import UnpublishAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import get_active_log_context
from wagtail.models import ModelLogEntry, Page, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from cms.delivery import propagation

from .models import Release, ReleaseItem

logger = logging.getLogger(__name__)


# Wagtail's update of an item's usage (what it links to), made by the worker after the launch
# commits: inline, as Wagtail makes it for one publish, it was a fifth of a release's time.
INDEX_USAGE = update_reference_index_task.using(backend="worker", queue_name="references")

# Fields a publish sets itself, checked by nobody's edit.
BOOKKEEPING = ["latest_revision", "live_revision", "locked_by", "locale", "translation_key"]

# What Wagtail's publish of an item reads from it (with_content_json): fetched along with it.
ALONG = ("latest_revision", "locale")


class LaunchFailed(Exception):
    """One of the release's changes cannot be made: the message says which, and why."""


class AlreadyLaunched(PermissionDenied):
    """A release goes live once; to undo it, roll it back (a 403 if it is published again)."""


def launch(
    release: Release, revision: Revision, *, user: Any, publish: Callable[..., Any], **kwargs: Any
) -> Any:
    """Publish `revision` of `release` (`publish` is Wagtail's own publish of the release
    row); returns what it returns, or None when the release could not go live."""
    approved: Release = revision.as_object()  # the release, and its items, as approved
    if approved.go_live_at is not None and approved.go_live_at > timezone.now():
        return publish(revision, user=user, **kwargs)  # scheduled: Wagtail records it
    items = list(approved.items.all())
    try:
        with propagation.one_change(), propagation.releasing(identity(approved)):
            # Locked until it commits: a second launch (a double click, a second worker)
            # waits for this one, then finds it live.
            locked = Release.objects.select_for_update().filter(pk=release.pk)
            if locked.values_list("launched_at", flat=True).first() is not None:
                raise AlreadyLaunched(_("This release is already live: roll it back to undo it."))
            pinned = Revision.objects.in_bulk([item.revision_id for item in items])
            targets = _targets(items)
            history: list[Any] = []
            with disable_reference_index_auto_update():  # each item's usage: the worker's
                for item in items:
                    target = targets.get((item.content_type_id, item.object_id))
                    apply(item, user, pinned, target, history)
            write_history(history)
            for target in targets.values():
                meta = target._meta
                INDEX_USAGE.enqueue(meta.app_label, meta.model_name, str(target.pk))
            published = publish(revision, user=user, **kwargs)
            now = timezone.now()
            Release.objects.filter(pk=release.pk).update(
                launched_at=now, launched_by=user, failure=""
            )
            # The release's rows, as the publish just wrote them (with the approved ids).
            ReleaseItem.objects.bulk_update(items, ["live_before", "was_live"])
    except LaunchFailed as failure:
        _failed(release, str(failure))
        return None
    logger.info("Release %s (%s) is live: %d item(s)", release.pk, release.name, len(items))
    return published


def identity(release: Release) -> dict[str, Any]:
    """How receipts and webhook events name a release."""
    return {"id": release.pk, "name": release.name, "rolls_back": release.rollback_of_id}


def _has_field(model: Any, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _targets(items: list[ReleaseItem]) -> dict[tuple[int, str], Any]:
    """The release's items themselves, a query per kind: {(content type, id): item}."""
    found: dict[tuple[int, str], Any] = {}
    by_kind: dict[int, list[str]] = {}
    for item in items:
        by_kind.setdefault(item.content_type_id, []).append(item.object_id)
    for content_type_id, ids in by_kind.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            along = [name for name in ALONG if _has_field(model, name)]
            for target in model._default_manager.select_related(*along).filter(pk__in=ids):
                found[(content_type_id, str(target.pk))] = getattr(target, "specific", target)
    return found


def apply(
    item: ReleaseItem,
    user: Any,
    pinned: dict[Any, Revision] | None = None,
    target: Any = None,
    history: list[Any] | None = None,
) -> None:
    """Make the item's change (`pinned`, `target`: the release's revisions and the item,
    fetched with the others'; else fetched now). A snippet's history entries are added to
    `history` to be written with the others' (write_history), or written now (None)."""
    target = target if pinned is not None else item.target()
    if target is None:
        raise LaunchFailed(_("“%(item)s” was deleted after it joined.") % {"item": item.label})
    item.was_live, item.live_before_id = target.live, target.live_revision_id
    if item.action == ReleaseItem.Action.UNPUBLISH:
        if target.live:
            action = UnpublishPageAction if isinstance(target, Page) else UnpublishAction
            action(target, user=user).execute(skip_permission_checks=True)
        return
    revision = (
        pinned.get(item.revision_id)
        if pinned is not None
        else Revision.objects.filter(pk=item.revision_id).first()
    )
    if revision is None:
        raise LaunchFailed(
            _("The version of “%(item)s” in the release was deleted.") % {"item": item.label}
        )
    # The item is the revision's object: Wagtail's publish builds the version on it.
    Revision._meta.get_field("content_object").set_cached_value(revision, target)
    publishing = CheckedPagePublish if isinstance(target, Page) else CheckedPublish
    action = publishing(revision, user=user)
    action.label, action.history = (
        item.label,
        None if publishing is CheckedPagePublish else history,
    )
    action.execute(skip_permission_checks=True)


def check(version: Any, label: str) -> None:
    """Raise LaunchFailed unless `version` (an item as its release would put it live) can go
    live now."""
    if version.go_live_at is not None and version.go_live_at > timezone.now():
        raise LaunchFailed(
            _("“%(item)s” has a go-live time of its own: clear it, or schedule the release.")
            % {"item": label}
        )
    try:
        # What the version says (its content and what it links to), not Wagtail's
        # bookkeeping, which its publish sets; unique together is the database's to hold.
        version.full_clean(exclude=BOOKKEEPING, validate_unique=False)
    except ValidationError as invalid:
        raise LaunchFailed(
            _("“%(item)s” is not valid: %(errors)s")
            % {"item": label, "errors": " ".join(invalid.messages)}
        ) from invalid


class CheckedPublish(PublishRevisionAction):
    """Wagtail's publish of a revision that checks the version it makes before putting it
    live (made once: Wagtail's own publish would make it a second time), and adds what it
    logs to `history` (when given) instead of writing it."""

    label: str
    history: list[Any] | None

    def _publish_revision(self, revision: Revision, object: Any, **kwargs: Any) -> Any:
        check(object, self.label)
        if self.history is None or not kwargs["log_action"]:
            return super()._publish_revision(revision, object, **kwargs)
        before = str(revision.content_object)  # the row, not yet saved
        published = super()._publish_revision(revision, object, **{**kwargs, "log_action": False})
        if object.live:  # as Wagtail logs it: renamed (if it was), then published
            data = {"title": {"old": before, "new": str(object)}} if before != str(object) else {}
            if data:
                self.history.append(entry(object, "wagtail.rename", self.user, revision, data))
            published_entry = entry(object, "wagtail.publish", self.user, revision, data)
            published_entry.content_changed = kwargs["changed"]
            self.history.append(published_entry)
        return published


class CheckedPagePublish(CheckedPublish, PublishPageRevisionAction):
    """The same, for a page (its history written as Wagtail writes it)."""


def entry(instance: Any, action: str, user: Any, revision: Revision, data: dict[str, Any]) -> Any:
    """The log entry Wagtail's log() would write (ModelLogEntryManager.log_action), unsaved."""
    context = get_active_log_context()
    return ModelLogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        label=ModelLogEntry.objects.get_instance_title(instance),
        action=action,
        timestamp=timezone.now(),
        data=data,
        user=user or context.user,
        uuid=context.uuid,
        revision=revision,
    )


def write_history(entries: list[Any]) -> None:
    """A release's items' history, written at once: Wagtail writes each entry in four queries
    (it validates each), which made most of a launch's time."""
    ModelLogEntry.objects.bulk_create(entries)


def _failed(release: Release, reason: str) -> None:
    """Keep why, and cancel its schedule: it would fail again every second."""
    logger.warning("Release %s (%s) did not go live: %s", release.pk, release.name, reason)
    Release.objects.filter(pk=release.pk).update(failure=reason)
    release.failure = reason
    Revision.objects.filter(
        base_content_type=release.get_base_content_type(), object_id=str(release.pk)
    ).update(approved_go_live_at=None)


def roll_back(release: Release, user: Any) -> Release:
    """Put every item of `release` (live) back as it was before it, as a release of its own,
    launched now; returns that release."""
    if release.launched_at is None:
        raise LaunchFailed(_("This release has not gone live: there is nothing to roll back."))
    if Release.objects.filter(rollback_of=release).exists():
        raise LaunchFailed(_("This release has been rolled back already."))
    back = Release(
        name=_("Roll back: %(name)s") % {"name": release.name}, rollback_of=release, live=False
    )
    back.items = [_restoring(item) for item in release.items.all()]
    back.save()
    revision = back.save_revision(user=user, log_action=True)
    back.publish(revision, user=user, skip_permission_checks=True)
    back.refresh_from_db()
    if back.failure:
        raise LaunchFailed(back.failure)
    return back


def _restoring(item: ReleaseItem) -> ReleaseItem:
    restored = ReleaseItem(
        content_type_id=item.content_type_id,
        object_id=item.object_id,
        locale_id=item.locale_id,
        label=item.label,
        sort_order=item.sort_order,
    )
    if item.was_live and item.live_before_id is not None:
        restored.action, restored.revision_id = ReleaseItem.Action.PUBLISH, item.live_before_id
    else:  # new with the release (or taken offline before it): offline again
        restored.action = ReleaseItem.Action.UNPUBLISH
    return restored
