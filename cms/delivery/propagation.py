"""One change, every cache: when content changes, the (locale, section) pairs it affects are
purged from every layer that caches them, in order, before the change's request returns:

1. Redis (cms.cache.engine), which the origin serves from;
2. the shared caches in front of the API (cms.delivery.shared_caches): each nginx instance, Varnish
   or a CDN, purged at once, after a short settling time (below).

Signal handlers call `after_commit` while the change's transaction is open; the pairs are
propagated when it commits. Once every cache has been told, `propagated` is sent with a
`Propagation`: what changed, who changed it, and when each cache was purged. Whatever else
must hear of a change (cms.webhooks: frontends, publish receipts) listens to it; this module
knows nothing of them.

Why the settling time: a reader that read Redis just before the purge can still be on its way
to nginx when nginx is purged, and nginx would then keep the old payload after the purge. So
the shared caches are purged CMS_EDGE_SETTLE_MS after Redis, and a response that spent more
than half of that between reading its payload and leaving Django tells shared caches not to
keep it (`too_late_to_share`); so does one built from the database while a purge overtook it
(Payload.current). Whatever was read before the Redis purge is either stored before the edge
purge, and purged with it, or not stored at all.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, models, transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext

from cms.cache import generation
from cms.cache.engine import payload_cache
from cms.cache.models import ContentGeneration
from cms.delivery import shared_caches
from cms.delivery.keys import keys_for
from cms.delivery.models import CONTENT_CHANGES, EventKind, UnfinishedPropagation
from cms.delivery.sections import Section, find, images_shown_in
from cms.delivery.shared_caches import Pairs
from cms.images import renditions


@dataclass(frozen=True)
class ChangedItem:
    """A snippet, page, image or setting whose change was propagated."""

    content_type_id: int
    object_id: str
    label: str
    locale: str = ""

    @classmethod
    def of(cls, instance: models.Model) -> "ChangedItem":
        from django.contrib.contenttypes.models import ContentType

        locale = getattr(getattr(instance, "locale", None), "language_code", "")
        return cls(
            ContentType.objects.get_for_model(instance, for_concrete_model=False).pk,
            str(instance.pk),
            str(instance)[:200],
            locale,
        )


@dataclass
class Propagation:
    """One change (or one request's changes) as every cache was told of it."""

    pairs: Pairs
    items: list[ChangedItem] = field(default_factory=list)
    kind: EventKind = EventKind.PUBLISHED  # or RELEASE_PUBLISHED, REFRESHED
    # The releases whose launch (or rollback) it is: {"id", "name", "rolls_back"}.
    releases: list[dict[str, Any]] = field(default_factory=list)
    user: Any = None  # who made the change, when it came through a request
    # When Redis took the purge; None when it did not (its older copies are then not served
    # once each process reads the new content generation: cms.cache.generation).
    redis_purged_at: datetime | None = None
    edges: list[shared_caches.Outcome] = field(default_factory=list)
    edges_purged_at: datetime | None = None
    unfinished: set[int] = field(default_factory=set)  # its UnfinishedPropagation rows


# Sent once every cache in front of the API was told of a change; `propagation` is a
# Propagation. Receivers run in the transaction that marks the change as propagated: one that
# raises DatabaseError leaves the change unfinished, to be announced again; the change is live
# whatever they do.
propagated = Signal()


def after_commit(
    sections: Iterable[Section], locale_codes: Iterable[str], item: models.Model | None = None
) -> None:
    """Propagate these sections of these locales once the current transaction commits; and,
    within it, move the content generation on, so no process serves a copy from memory that
    predates the change. `item` is what changed, for those who hear of it."""
    pairs = {(code, section) for code in locale_codes for section in sections}
    if not pairs:
        return
    items = [ChangedItem.of(item)] if item is not None and item.pk is not None else []
    launching: _Launch | None = getattr(_request, "release", None)
    if launching is not None:  # recorded once for the whole release, as it ends
        launching.pairs |= pairs
        launching.items.extend(changed for changed in items if changed not in launching.items)
        return
    _record(pairs, items, None)


def _record(pairs: Pairs, items: list[ChangedItem], release: dict[str, Any] | None) -> None:
    transaction.on_commit(partial(generation.saw, ContentGeneration.advance()))
    unfinished = UnfinishedPropagation.objects.create(
        pairs=sorted([code, section.key] for code, section in pairs),
        items=[asdict(changed) for changed in items],
    )
    # At once when no transaction is open.
    transaction.on_commit(partial(propagate, pairs, items, {unfinished.pk}, release))


_request = threading.local()
logger = logging.getLogger(__name__)


@dataclass
class _Launch:
    release: dict[str, Any]
    pairs: Pairs = field(default_factory=set)
    items: list[ChangedItem] = field(default_factory=list)


@contextmanager
def releasing(release: dict[str, Any]) -> Iterator[None]:
    """What changes inside is the launch of `release` ({"id", "name", "rolls_back"}), made
    inside the transaction it opens: its changes are recorded as one (one generation, one
    unfinished propagation) as it ends, and propagated as a `release.published` change
    naming it once the transaction commits. Nothing is recorded if it raises."""
    _request.release = launching = _Launch(release)
    try:
        with transaction.atomic():
            yield
            _request.release = None
            if launching.pairs:
                _record(launching.pairs, launching.items, release)
    finally:
        _request.release = None


def propagate(
    pairs: Pairs,
    items: Iterable[ChangedItem] = (),
    unfinished: Iterable[int] = (),
    release: dict[str, Any] | None = None,
) -> list[shared_caches.Outcome]:
    """Purge Redis, then every shared cache; returns what each shared cache said. Within a
    request (EdgePurgeMiddleware), the shared caches are purged once, for every change the
    request made, just before it answers."""
    # Served only once its renditions exist: the images it shows that were never prepared
    # are prepared first (usually none: the worker prepares each image as it is uploaded).
    renditions.prepare_unprepared(images_shown_in({section for _, section in pairs}))
    purged = payload_cache.purge(
        key for code, section in pairs for key in keys_for([code], [section])
    )
    purged_at = timezone.now() if purged else None
    batch: Propagation | None = getattr(_request, "batch", None)
    if batch is not None:
        first = not batch.pairs
        batch.pairs |= pairs
        batch.items.extend(item for item in items if item not in batch.items)
        # Purged only if every purge of the request was.
        batch.redis_purged_at = purged_at if first or batch.redis_purged_at else None
        batch.unfinished |= set(unfinished)
        _add_release(batch, release)
        return []
    change = Propagation(
        set(pairs), list(items), redis_purged_at=purged_at, unfinished=set(unfinished)
    )
    _add_release(change, release)
    return finish(change)


def _add_release(change: Propagation, release: dict[str, Any] | None) -> None:
    if release is not None:
        change.kind = EventKind.RELEASE_PUBLISHED
        if release not in change.releases:
            change.releases.append(release)


def finish(change: Propagation) -> list[shared_caches.Outcome]:
    """Tell the shared caches, then whoever listens (`propagated`); then the change is done
    with, in the same transaction as what the listeners record of it."""
    # Redis did not take the change's purge: until every app server has read the change's
    # content generation, one may still serve (and a shared cache refill with) what Redis
    # held. Purge the shared caches only after that (to_edges).
    unpurged = change.kind in CONTENT_CHANGES and change.redis_purged_at is None
    change.edges = to_edges(change.pairs, after_generation_is_seen=unpurged)
    change.edges_purged_at = timezone.now()
    if change.pairs:
        try:
            with transaction.atomic():
                propagated.send(sender=Propagation, propagation=change)
                UnfinishedPropagation.objects.filter(pk__in=change.unfinished).delete()
        except DatabaseError:  # the change is live; it is announced again once the database is
            logger.exception("Could not finish propagating %s", sorted(change.unfinished))
    return change.edges


REPLAY_AFTER = timedelta(seconds=30)  # far longer than any propagation takes


def replay_unfinished() -> int:
    """Finish the propagations a process began and died before finishing (older than
    REPLAY_AFTER): purge, tell the shared caches and the listeners. Returns how many."""
    with transaction.atomic():
        rows = list(
            UnfinishedPropagation.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=timezone.now() - REPLAY_AFTER)
            .order_by("pk")[:100]
        )
        if not rows:
            return 0
        pairs = {
            (code, section)
            for row in rows
            for code, key in row.pairs
            if (section := find(key)) is not None
        }
        items = list(dict.fromkeys(ChangedItem(**item) for row in rows for item in row.items))
        logger.warning("Finishing %d propagation(s) a process left unfinished", len(rows))
        if not pairs:  # sections that no longer exist: nothing to purge or announce
            UnfinishedPropagation.objects.filter(pk__in=[row.pk for row in rows]).delete()
            return len(rows)
        propagate(pairs, items, {row.pk for row in rows})
    return len(rows)


@contextmanager
def one_change() -> Iterator[Propagation]:
    """Everything changed inside is propagated as one change: Redis is purged as each commits,
    the shared caches once at the end (one settling time, one purge per cache), and
    `propagated` is sent once. A request (EdgePurgeMiddleware) and a sweep of the scheduler
    are each one change; nested, the inner is the outer's."""
    outer: Propagation | None = getattr(_request, "batch", None)
    if outer is not None:
        yield outer
        return
    _request.batch = change = Propagation(set())
    try:
        yield change
    finally:
        _request.batch = None
        finish(change)


class EdgePurgeMiddleware:
    """Collects what a request's changes purge from the shared caches, and purges it once,
    before the response leaves: a bulk publish of twenty items waits for one settling time
    and one purge per cache, not twenty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # A request made within a request (Wagtail's previews render that way) is the outer
        # request's change.
        with one_change() as change:
            response = self.get_response(request)
            if change.pairs:  # (a request that changed nothing never loads its user)
                user = getattr(request, "user", None)
                change.user = user if user is not None and user.is_authenticated else None
        failed = [outcome for outcome in change.edges if not outcome.ok]
        if failed and hasattr(request, "_messages"):  # an admin page: tell the editor
            messages.warning(request, unreached_message(failed))
        return response


def unreached_message(failed: list[shared_caches.Outcome]) -> str:
    return gettext(
        "The change is live, but %(caches)s could not be told yet: it may show the previous "
        "version for up to %(seconds)d seconds. It is being retried."
    ) % {
        "caches": ", ".join(outcome.cache for outcome in failed),
        "seconds": settings.CMS_SHARED_MAX_AGE,
    }


LATE_READS = 4  # watcher intervals a shared-cache purge waits after a purge Redis refused


def to_edges(pairs: Pairs, after_generation_is_seen: bool = False) -> list[shared_caches.Outcome]:
    """Purge the shared caches only (Redis is up to date, or its copies are not served once
    `after_generation_is_seen`). That waits LATE_READS watcher intervals first: every app
    server reads the generation once an interval, but one on a busy machine may read it late,
    and a copy it served before then must reach the shared caches before they are purged."""
    if not pairs or not settings.CMS_EDGE_CACHES:
        return []
    wait = LATE_READS * settings.CMS_PURGE_RECONCILE_SECONDS if after_generation_is_seen else 0
    time.sleep(settle_seconds() + wait)
    return shared_caches.purge(pairs)


def settle_seconds() -> float:
    return float(settings.CMS_EDGE_SETTLE_MS) / 1000


def too_late_to_share(read_at: float) -> bool:
    """Whether a response whose content was read at `read_at` (time.monotonic()) is too old
    for a shared cache to keep: it may have been read before a purge it would then outlive."""
    return bool(settings.CMS_EDGE_CACHES) and (time.monotonic() - read_at > settle_seconds() / 2)


def mark_unshareable(response: HttpResponseBase) -> None:
    response["Cache-Control"] = "no-cache"
