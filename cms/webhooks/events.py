"""From publish receipts to the events each endpoint is sent (step 2 of three).

1. cms.webhooks.tasks.record (in the change's request, when `propagated` is sent): one
   PublishReceipt (cms.webhooks.receipts.write) and one task for the worker. A few rows
   whatever the number of endpoints: publishing never waits for a frontend.
2. `fan_out` (in the worker, once the coalescing window has passed): the receipts not yet
   fanned out become events, one per endpoint and locale, each naming every section its
   endpoint wants. Receipts that land within the window of an event not yet sent join it: a
   bulk action or a translation sync is one event per endpoint and locale.
3. cms.webhooks.sending (at an event's first attempt): the body, with the payload's version and
   ETag as readers see it then, frozen so every retry sends the same bytes; then each attempt.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PublishReceipt, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

MAX_WAIT = timedelta(seconds=10)  # the longest a change waits for a burst to end


def window() -> timedelta:
    return timedelta(milliseconds=settings.CMS_WEBHOOK_COALESCE_MS)


@dataclass
class FanOut:
    events: list[WebhookEvent] = field(default_factory=list)  # new, or grown
    again_at: datetime | None = None  # a burst still arriving: fan out again then


def fan_out() -> FanOut:
    """Turn the receipts not fanned out yet into events. Safe to run in several workers at
    once (the receipts are locked as taken).

    While changes keep coming (the newest is younger than the window), it waits for the burst
    to end, up to MAX_WAIT after the first: a batch of publishes a few hundred milliseconds
    apart is one event, and a steady stream still goes out every few seconds."""
    touched: dict[Any, WebhookEvent] = {}
    with transaction.atomic():
        receipts = list(
            PublishReceipt.objects.select_for_update(skip_locked=True)
            .filter(fanned_out=False)
            .order_by("created_at")
        )
        if not receipts:
            return FanOut()
        now, newest = timezone.now(), receipts[-1].created_at
        if newest + window() > now and receipts[0].created_at + MAX_WAIT > now:
            return FanOut(again_at=min(newest + window(), receipts[0].created_at + MAX_WAIT))
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
    return FanOut(events=list(touched.values()))


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
