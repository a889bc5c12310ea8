"""Publish receipts, written (`write`, as a change is propagated) and read here alone: where a
publish stands, worked out in one place for the editor (the item's status panel, the
dashboard, the receipt page in the admin) and for the API (GET /api/publish-receipts/<id>/).

A receipt goes through stages, each done, waiting or failed:

1. Redis, purged before the publish returned (when Redis was down, the purge was kept and the
   website is served from the database meanwhile: live all the same);
2. each shared cache (nginx, Varnish, a CDN), purged too, unless its purge failed and is still
   kept to retry (PendingEdgePurge);
3. each frontend (webhook endpoint) that wants the change, told by the worker: delivered,
   retrying, given up, or not told yet (before the worker fanned the receipt out, or while its
   event waits to be sent).

The summary is "Live everywhere 0.4 s after publishing" once every stage is done, or what is
still pending ("Frontend www not reached yet, retrying").
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max, Prefetch, QuerySet
from django.utils.translation import gettext as _

from cms.delivery.models import CONTENT_CHANGES, PendingEdgePurge
from cms.delivery.propagation import Propagation

from .models import PublishReceipt, ReceiptItem, WebhookEndpoint, WebhookEvent


def write(change: Propagation) -> PublishReceipt:
    """The receipt of a change being propagated: its items and when each cache was purged."""
    receipt = PublishReceipt.objects.create(
        kind=change.kind,
        user=change.user,
        pairs=sorted([code, section.field] for code, section in change.pairs),
        redis_purged_at=change.redis_purged_at,
        edges_purged_at=change.edges_purged_at,
        releases=change.releases,
        edges=[
            {"cache": outcome.cache, "ok": outcome.ok, "error": outcome.error}
            for outcome in change.edges
        ],
    )
    ReceiptItem.objects.bulk_create(
        ReceiptItem(
            receipt=receipt,
            content_type_id=item.content_type_id,
            object_id=item.object_id,
            label=item.label,
            locale=item.locale,
        )
        for item in change.items
    )
    return receipt


class State(enum.StrEnum):
    DONE = "done"
    WAITING = "waiting"
    FAILED = "failed"


@dataclass(frozen=True)
class Stage:
    """One layer or frontend the change had to reach."""

    kind: str  # "redis", "cache" or "webhook"
    name: str  # as editors know it: "Redis", the cache's name, the endpoint's name
    state: State
    summary: str  # one phrase: "Frontend www not reached yet, retrying"
    at: datetime | None = None  # done (or last tried) at, when known
    after_seconds: float | None = None  # `at` after the publish
    error: str = ""  # the last error of a cache or frontend not reached
    next_attempt_at: datetime | None = None  # of a frontend being retried


@dataclass(frozen=True)
class Progress:
    """A receipt and its stages."""

    receipt: PublishReceipt
    published_at: datetime
    stages: list[Stage]

    @property
    def state(self) -> State:
        states = {stage.state for stage in self.stages}
        return next((s for s in (State.FAILED, State.WAITING) if s in states), State.DONE)

    @property
    def live_after_seconds(self) -> float | None:
        """Seconds from the publish to the last stage done, once all are done with a time."""
        if self.state != State.DONE or any(s.after_seconds is None for s in self.stages):
            return None
        return max((s.after_seconds or 0.0 for s in self.stages), default=0.0)

    @property
    def summary(self) -> str:
        if self.state != State.DONE:
            return "; ".join(s.summary for s in self.stages if s.state != State.DONE)
        seconds = self.live_after_seconds
        if seconds is None:  # a kept purge got through later, at a time nobody recorded
            return _("Live everywhere")
        return _("Live everywhere %(seconds).1f s after publishing") % {"seconds": seconds}

    @property
    def published_by(self) -> str | None:
        return self.receipt.published_by


def published_at(receipt: PublishReceipt) -> datetime:
    """The moment of the publish: the receipt is created once every cache was told (after the
    shared caches' settling time), so the Redis purge, the first thing done after the commit,
    is nearer the moment the editor published."""
    return min(t for t in (receipt.created_at, receipt.redis_purged_at) if t is not None)


def with_related(receipts: QuerySet[PublishReceipt]) -> QuerySet[PublishReceipt]:
    """What working out a receipt's stages reads, in a fixed number of queries."""
    events = WebhookEvent.objects.select_related("endpoint").annotate(
        last_attempt_at=Max("attempt_log__at")
    )
    return receipts.select_related("user").prefetch_related(
        Prefetch("items", queryset=ReceiptItem.objects.select_related("content_type")),
        Prefetch("events", queryset=events),
    )


def find(receipt_id: int) -> PublishReceipt | None:
    return with_related(PublishReceipt.objects.filter(pk=receipt_id)).first()


def latest_for(instance: models.Model) -> PublishReceipt | None:
    """The newest receipt of a publish that changed `instance` (a snippet, page, setting)."""
    if instance.pk is None:
        return None
    # As cms.delivery.propagation.ChangedItem records it: the specific model, not its concrete
    # parent (a page is recorded as its own page type).
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    matching = PublishReceipt.objects.filter(
        items__content_type=content_type, items__object_id=str(instance.pk)
    )
    return with_related(matching.order_by("-created_at", "-pk")).first()


def recent(limit: int = 10) -> list[Progress]:
    """The newest receipts, with their stages."""
    return progress_of(with_related(PublishReceipt.objects.order_by("-created_at", "-pk"))[:limit])


def progress(receipt: PublishReceipt) -> Progress:
    return progress_of([receipt])[0]


def progress_of(receipts: Iterable[PublishReceipt]) -> list[Progress]:
    receipts = list(receipts)
    kept_purges: dict[str, datetime] = {}
    if any(not edge["ok"] for receipt in receipts for edge in receipt.edges):
        kept_purges = _newest_kept_purge_by_cache()
    endpoints: list[WebhookEndpoint] = []
    if not all(receipt.fanned_out for receipt in receipts):
        endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    return [_progress(receipt, kept_purges, endpoints) for receipt in receipts]


def as_json(receipt: PublishReceipt) -> dict[str, Any]:
    """The receipt as the API gives it."""
    where = progress(receipt)
    return {
        "id": receipt.pk,
        "kind": receipt.kind,
        "published_at": _iso(where.published_at),
        "published_by": where.published_by,
        "locales": receipt.locales,
        "sections": receipt.sections,
        "items": [item.as_json() for item in receipt.items.all()],
        "releases": receipt.releases,
        "state": where.state.value,
        "summary": where.summary,
        "live_after_seconds": _rounded(where.live_after_seconds),
        "stages": [
            {
                "kind": stage.kind,
                "name": stage.name,
                "state": stage.state.value,
                "summary": stage.summary,
                "at": _iso(stage.at),
                "after_seconds": _rounded(stage.after_seconds),
                "error": stage.error,
                "next_attempt_at": _iso(stage.next_attempt_at),
            }
            for stage in where.stages
        ],
    }


def _progress(
    receipt: PublishReceipt, kept_purges: dict[str, datetime], endpoints: list[WebhookEndpoint]
) -> Progress:
    start = published_at(receipt)
    stages = [_redis_stage(receipt, start)]
    stages += [_cache_stage(edge, receipt, start, kept_purges) for edge in receipt.edges]
    if receipt.fanned_out:
        by_endpoint: dict[str, list[WebhookEvent]] = {}
        for event in receipt.events.all():
            by_endpoint.setdefault(event.endpoint.name, []).append(event)
        stages += [_webhook_stage(name, by_endpoint[name], start) for name in sorted(by_endpoint)]
    else:  # the worker has not taken it yet: every endpoint that will want it is waiting
        stages += [
            _not_told_yet(endpoint.name)
            for endpoint in endpoints
            if any(
                endpoint.wants(code, fields)
                for code, fields in receipt.sections_by_locale().items()
            )
        ]
    return Progress(receipt, start, stages)


def _redis_stage(receipt: PublishReceipt, start: datetime) -> Stage:
    redis_at = receipt.redis_purged_at
    if redis_at is None and receipt.kind in CONTENT_CHANGES:
        # Redis refused the purge or did not answer. What it holds is older than the change's
        # content generation, which no app server serves once it has read it: live, but
        # Redis was not purged, and the receipt says so.
        return Stage(
            kind="redis",
            name="Redis",
            state=State.FAILED,
            summary=_(
                "Redis not purged: app servers stop serving its older copy within %(seconds)g s"
            )
            % {"seconds": settings.CMS_PURGE_RECONCILE_SECONDS},
        )
    return Stage(
        kind="redis",
        name="Redis",
        state=State.DONE,
        summary=_("Redis purged"),
        at=redis_at,
        after_seconds=_seconds_after(start, redis_at),
    )


def _cache_stage(
    edge: dict[str, Any],
    receipt: PublishReceipt,
    start: datetime,
    kept_purges: dict[str, datetime],
) -> Stage:
    name = str(edge["cache"])
    if edge["ok"]:
        at = receipt.edges_purged_at
        return Stage(
            kind="cache",
            name=name,
            state=State.DONE,
            summary=_("%(cache)s purged") % {"cache": name},
            at=at,
            after_seconds=_seconds_after(start, at),
        )
    # Purges of this cache kept since the publish (its own among them) are still waiting: a
    # retry that gets through deletes them all at once.
    newest = kept_purges.get(name)
    if newest is not None and newest >= start:
        return Stage(
            kind="cache",
            name=name,
            state=State.WAITING,
            summary=_("%(cache)s not purged yet, retrying") % {"cache": name},
            error=str(edge.get("error") or ""),
        )
    return Stage(
        kind="cache",
        name=name,
        state=State.DONE,
        summary=_("%(cache)s purged after a retry") % {"cache": name},
    )


def _webhook_stage(name: str, events: list[WebhookEvent], start: datetime) -> Stage:
    """One frontend, told by one event per locale."""
    failed = [e for e in events if e.status == WebhookEvent.Status.FAILED]
    retrying = [e for e in events if e.status == WebhookEvent.Status.RETRYING]
    tried_at = max((t for e in events if (t := _last_attempt_at(e)) is not None), default=None)
    if failed:
        return Stage(
            kind="webhook",
            name=name,
            state=State.FAILED,
            summary=_("Frontend %(name)s not reached, gave up") % {"name": name},
            at=tried_at,
            after_seconds=_seconds_after(start, tried_at),
            error=failed[0].last_error,
        )
    if retrying:
        return Stage(
            kind="webhook",
            name=name,
            state=State.WAITING,
            summary=_("Frontend %(name)s not reached yet, retrying") % {"name": name},
            at=tried_at,
            after_seconds=_seconds_after(start, tried_at),
            error=retrying[0].last_error,
            next_attempt_at=min(e.next_attempt_at for e in retrying),
        )
    if any(e.open for e in events):
        return _not_told_yet(name)
    delivered_at = max((e.delivered_at for e in events if e.delivered_at), default=None)
    return Stage(
        kind="webhook",
        name=name,
        state=State.DONE,
        summary=_("Frontend %(name)s reached") % {"name": name},
        at=delivered_at,
        after_seconds=_seconds_after(start, delivered_at),
    )


def _not_told_yet(name: str) -> Stage:
    return Stage(
        kind="webhook",
        name=name,
        state=State.WAITING,
        summary=_("Frontend %(name)s not told yet") % {"name": name},
    )


def _seconds_after(start: datetime, at: datetime | None) -> float | None:
    return None if at is None else max(0.0, (at - start).total_seconds())


def _last_attempt_at(event: WebhookEvent) -> datetime | None:
    # Annotated by with_related; a receipt read without it does not say.
    return getattr(event, "last_attempt_at", None)


def _newest_kept_purge_by_cache() -> dict[str, datetime]:
    rows = PendingEdgePurge.objects.values("cache").annotate(newest=Max("created_at"))
    return {row["cache"]: row["newest"] for row in rows}


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat().replace("+00:00", "Z")


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)
