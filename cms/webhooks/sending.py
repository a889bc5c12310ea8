"""Sending an event: signed as Standard Webhooks, to the addresses checked at that moment, with
short timeouts and no redirects; every attempt logged; failures retried on a schedule with
jitter (CMS_WEBHOOK_RETRY_DELAYS, about 28 hours), then given up; a 410 disables the endpoint.

Delivery is at least once: an event is leased to one worker while it is sent, and a worker that
dies mid-send leaves a lease that runs out, so another worker sends it again, with the same
`webhook-id`.
"""

import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import urllib3
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from cms.delivery.keys import TAG_PREFIX, cache_tags
from cms.delivery.models import EventKind
from cms.delivery.payload import get_website_data
from cms.delivery.sections import find

from .addresses import Refused, addresses
from .models import WebhookAttempt, WebhookEndpoint, WebhookEvent

EXCERPT = 300  # characters of the receiver's answer kept in the log
USER_AGENT = "cms-webhooks/1"


def signature_headers(event: WebhookEvent, body: str) -> dict[str, str]:
    """Standard Webhooks headers, signed at the moment of sending: one signature per valid
    secret of the event's endpoint (two during a rotation)."""
    now = datetime.now(tz=UTC)
    signatures = [
        Webhook(secret).sign(event.webhook_id, now, body)
        for secret in event.endpoint.signing_secrets()
    ]
    return {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def _sendable(now: datetime) -> QuerySet[WebhookEvent]:
    return (
        WebhookEvent.objects.filter(next_attempt_at__lte=now)
        .filter(status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING])
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        # An endpoint an editor disabled (or a 410 did) is sent nothing more, but a ping.
        .filter(Q(endpoint__is_active=True) | Q(type=EventKind.PING))
    )


def claim(event_id: UUID) -> WebhookEvent | None:
    """Lease a due event to this worker; None if it is not due or another worker has it."""
    now = timezone.now()
    claimed = (
        _sendable(now)
        .filter(pk=event_id)
        .update(lease_until=now + lease(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return WebhookEvent.objects.select_related("endpoint").get(pk=event_id)


def lease() -> timedelta:
    """How long a worker has an event to itself: longer than any one attempt can take (each
    round sends at most SENDERS events at once, each bounded by the timeouts below)."""
    return timedelta(seconds=3 * settings.CMS_WEBHOOK_TIMEOUT_SECONDS + 10)


def due(limit: int, per_endpoint: int = 2) -> list[UUID]:
    """Up to `limit` events to send now, oldest first, at most `per_endpoint` of each endpoint:
    a receiver that hangs holds up its own deliveries, not everyone's."""
    chosen: list[UUID] = []
    taken: dict[int, int] = {}
    rows = _sendable(timezone.now()).order_by("next_attempt_at")
    for pk, endpoint_id in rows.values_list("pk", "endpoint_id")[: limit * 20]:
        if taken.get(endpoint_id, 0) < per_endpoint:
            taken[endpoint_id] = taken.get(endpoint_id, 0) + 1
            chosen.append(pk)
            if len(chosen) == limit:
                break
    return chosen


@dataclass
class Answer:
    """How one attempt went, as seen on the network."""

    status_code: int | None = None  # None: no answer
    excerpt: str = ""
    error: str = ""
    latency_ms: int = 0
    at: datetime = field(default_factory=timezone.now)  # when the answer (or failure) came


def prepare(event: WebhookEvent) -> str:
    """The body of a claimed event, frozen at its first attempt (the same on every retry)."""
    if not event.body:
        event.body = body(event)
        WebhookEvent.objects.filter(pk=event.pk).update(body=event.body)
    return event.body


def body(event: WebhookEvent) -> str:
    """What the event says, as JSON (the Standard Webhooks shape: type, timestamp, data)."""
    data: dict[str, Any]
    if event.type == EventKind.PING:
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
        if event.type == EventKind.RELEASE_PUBLISHED:
            data["releases"] = [release for receipt in receipts for release in receipt.releases]
    return json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def post(event: WebhookEvent, body: str) -> Answer:
    """One attempt, on the network only (no database: attempts run in threads), signed now."""
    answer = Answer()
    started = time.monotonic()
    try:
        status, excerpt = _post(event.endpoint.url, body, signature_headers(event, body))
        answer.status_code, answer.excerpt = status, excerpt
    except Refused as refusal:
        answer.error = str(refusal)[:500]
    except (urllib3.exceptions.HTTPError, OSError) as error:
        answer.error = (str(error) or type(error).__name__)[:500]
    answer.latency_ms = round((time.monotonic() - started) * 1000)
    answer.at = timezone.now()
    return answer


def failed(error: BaseException) -> Answer:
    """An attempt that could not even be made (its body could not be built, say): it counts,
    so the event is retried on the schedule and given up like any other."""
    return Answer(error=f"Not sent: {error or type(error).__name__}"[:500])


def record(event: WebhookEvent, answer: Answer) -> WebhookAttempt:
    """Log the attempt, and decide what comes next for the event."""
    attempt = WebhookAttempt.objects.create(
        event=event,
        at=answer.at,
        status_code=answer.status_code,
        latency_ms=answer.latency_ms,
        response_excerpt=answer.excerpt,
        error=answer.error,
    )
    _after(event, attempt)
    return attempt


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST to the addresses checked now (not ones the name may resolve to a moment later),
    in the resolver's order, until one connects; returns the status and the start of the
    answer, read for no longer than the timeout."""
    host, port, ips = addresses(url)
    parts = urllib3.util.parse_url(url)
    seconds = settings.CMS_WEBHOOK_TIMEOUT_SECONDS
    timeout = urllib3.Timeout(connect=min(3.0, seconds), read=seconds)
    last_error: Exception = Refused(_("%(host)s has no address.") % {"host": host})
    for ip in ips:
        pool: urllib3.HTTPConnectionPool
        if parts.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                ip,
                port,
                server_hostname=host,
                assert_hostname=host,
                timeout=timeout,
                retries=False,
            )
        else:
            pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False)
        with pool:
            try:
                response = pool.urlopen(
                    "POST",
                    parts.request_uri,
                    body=body.encode(),
                    headers={
                        **headers,
                        "Host": parts.netloc or host,
                        "Content-Type": "application/json",
                        "User-Agent": USER_AGENT,
                    },
                    redirect=False,
                    preload_content=False,
                )
            except (
                urllib3.exceptions.NewConnectionError,
                urllib3.exceptions.ConnectTimeoutError,
            ) as error:
                last_error = error  # this address is unreachable: the next one
                continue
            try:
                return response.status, _excerpt(response, deadline=time.monotonic() + seconds)
            finally:
                response.release_conn()
    raise last_error


def _excerpt(response: urllib3.BaseHTTPResponse, deadline: float) -> str:
    """The start of the answer (never more than 2 kB read, never after `deadline`)."""
    read = b""
    while len(read) < 2000 and time.monotonic() < deadline:
        chunk = response.read1(2000 - len(read))
        if not chunk:
            break
        read += chunk
    return read.decode("utf-8", "replace")[:EXCERPT]


def _after(event: WebhookEvent, attempt: WebhookAttempt) -> None:
    now = attempt.at
    update: dict[str, object] = {"lease_until": None}
    if attempt.ok:
        update |= {"status": WebhookEvent.Status.DELIVERED, "delivered_at": now, "last_error": ""}
    elif attempt.status_code == 410:  # the receiver is gone for good: stop sending to it
        reason = _("It answered 410 Gone on %(when)s.") % {"when": now.strftime("%Y-%m-%d %H:%M")}
        WebhookEndpoint.objects.filter(pk=event.endpoint_id).update(
            is_active=False, disabled_reason=reason
        )
        WebhookEvent.objects.filter(endpoint_id=event.endpoint_id).filter(
            status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING]
        ).exclude(pk=event.pk).update(status=WebhookEvent.Status.FAILED, last_error=reason)
        update |= {"status": WebhookEvent.Status.FAILED, "last_error": reason}
    else:
        error = attempt.error or _("It answered %(status)s.") % {"status": attempt.status_code}
        delay = retry_delay(event.attempts)
        if delay is None:
            update |= {"status": WebhookEvent.Status.FAILED, "last_error": error}
        else:
            update |= {
                "status": WebhookEvent.Status.RETRYING,
                "next_attempt_at": now + timedelta(seconds=delay),
                "last_error": error,
            }
    # Only while this worker still holds the lease: a worker that took the event over since
    # decides what comes next.
    WebhookEvent.objects.filter(pk=event.pk, lease_until=event.lease_until).update(**update)
    for name, value in update.items():
        setattr(event, name, value)


def retry_delay(attempts: int) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones (None: give up), plus up to
    25 % jitter so receivers coming back are not hit by every event at once."""
    delays = settings.CMS_WEBHOOK_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return float(delays[attempts - 1]) * random.uniform(1.0, 1.25)  # noqa: S311 (not a secret)
