"""From a propagated change to the events each endpoint is sent.

1. `record` (in the change's request, when `propagated` is sent): one PublishReceipt with the
   items and the purge times, and one task for the worker. A few rows whatever the number of
   endpoints: publishing never waits for a frontend.
2. `fan_out` (in the worker, once the coalescing window has passed): the receipts not yet
   fanned out become events, one per endpoint and locale, each naming every section its
   endpoint wants. Receipts that land within the window of an event not yet sent join it: a
   bulk action, a scheduled batch or a translation sync is one event per endpoint and locale.
3. `body` (at an event's first attempt): the JSON sent, with the payload's version and ETag as
   readers see it then, frozen so every retry sends the same bytes.
"""

import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cms.delivery.keys import TAG_PREFIX, cache_tags
from cms.delivery.payload import get_website_data
from cms.delivery.propagation import Propagation
from cms.delivery.sections import find

from .models import PublishReceipt, ReceiptItem, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

PING = "ping"  # besides the kinds of change (cms.delivery.propagation: PUBLISHED, REFRESHED)

MAX_WAIT = timedelta(seconds=10)  # the longest a change waits for a burst to end


def window() -> timedelta:
    return timedelta(milliseconds=settings.CMS_WEBHOOK_COALESCE_MS)


def record(sender: Any, propagation: Propagation, **kwargs: Any) -> None:
    """Receiver of cms.delivery.propagation.propagated, within the transaction that marks the
    change as propagated: if the database fails here, the change stays unfinished and is
    announced again later (cms.delivery.propagation.replay_unfinished)."""
    from . import tasks

    change = propagation
    receipt = PublishReceipt.objects.create(
        kind=change.kind,
        user=change.user,
        pairs=sorted([code, section.field] for code, section in change.pairs),
        redis_purged_at=change.redis_purged_at,
        edges_purged_at=change.edges_purged_at,
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
    tasks.schedule(timezone.now() + window())


def fan_out() -> list[WebhookEvent]:
    """Turn the receipts not fanned out yet into events; returns the events that are new or
    grew. Safe to run in several workers at once (the receipts are locked as taken).

    While changes keep coming (the newest is younger than the window), it waits for the burst
    to end, up to MAX_WAIT after the first: a batch of publishes a few hundred milliseconds
    apart is one event, and a steady stream still goes out every few seconds."""
    from . import tasks

    touched: dict[Any, WebhookEvent] = {}
    with transaction.atomic():
        receipts = list(
            PublishReceipt.objects.select_for_update(skip_locked=True)
            .filter(fanned_out=False)
            .order_by("created_at")
        )
        if not receipts:
            return []
        now, newest = timezone.now(), receipts[-1].created_at
        if newest + window() > now and receipts[0].created_at + MAX_WAIT > now:
            tasks.schedule(min(newest + window(), receipts[0].created_at + MAX_WAIT))
            return []
        endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
        for receipt in receipts:
            for code, fields in receipt.sections_by_locale().items():
                for endpoint in endpoints:
                    wanted = endpoint.wants(code, fields)
                    if wanted:
                        event = _open_event(endpoint, receipt.kind, code, touched)
                        event.sections = sorted(set(event.sections) | wanted)
                        event.save(update_fields=["sections"])
                        event.receipts.add(receipt)
        PublishReceipt.objects.filter(pk__in=[r.pk for r in receipts]).update(fanned_out=True)
    return list(touched.values())


def _open_event(
    endpoint: WebhookEndpoint, kind: str, code: str, touched: dict[Any, WebhookEvent]
) -> WebhookEvent:
    """The event not sent yet that this change joins, or a new one."""
    key = (endpoint.pk, kind, code)
    if key in touched:
        return touched[key]
    event = (
        WebhookEvent.objects.select_for_update()
        .filter(endpoint=endpoint, type=kind, locale=code, attempts=0, lease_until=None)
        .filter(status=WebhookEvent.Status.PENDING)
        .first()
    )
    if event is None:
        event = WebhookEvent.objects.create(endpoint=endpoint, type=kind, locale=code)
    touched[key] = event
    return event


def ping(endpoint: WebhookEndpoint) -> WebhookEvent:
    """A ping sent from the admin, to check an endpoint (it is sent even if inactive)."""
    from . import tasks

    event = WebhookEvent.objects.create(endpoint=endpoint, type=PING)
    tasks.schedule(timezone.now())
    return event


def body(event: WebhookEvent) -> str:
    """What the event says, as JSON (the Standard Webhooks shape: type, timestamp, data)."""
    data: dict[str, Any]
    if event.type == PING:
        data = {"endpoint": event.endpoint.name}
    else:
        sections = [s for s in (find(name) for name in event.sections) if s is not None]
        # As readers get it now: never the last known good one while a rebuild is under way.
        payload = get_website_data(event.locale, stale_while_busy=False).entry
        receipts = list(
            event.receipts.select_related("user").prefetch_related("items__content_type")
        )
        data = {
            "locale": event.locale,
            "sections": event.sections,
            "version": payload.version,
            "etag": payload.etag,
            # The Cache-Tag names of the changed sections of this locale, less the one every
            # response carries (it would revalidate every locale).
            "tags": [tag for tag in cache_tags(event.locale, sections) if tag != TAG_PREFIX],
            "items": [item.as_json() for receipt in receipts for item in receipt.items.all()],
            "published_by": sorted(
                {name for receipt in receipts if (name := receipt.published_by) is not None}
            ),
            "receipts": [receipt.pk for receipt in receipts],
        }
    return json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )
