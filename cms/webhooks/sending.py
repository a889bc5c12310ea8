"""Sending an event: signed as Standard Webhooks, to the addresses checked at that moment, with
short timeouts and no redirects; every attempt logged; failures retried on a schedule with
jitter (CMS_WEBHOOK_RETRY_DELAYS, about 28 hours), then given up; a 410 disables the endpoint.

Delivery is at least once: an event is leased to one worker while it is sent, and a worker that
dies mid-send leaves a lease that runs out, so another worker sends it again, with the same
`webhook-id`.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import urllib3
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from . import events
from .addresses import Refused, addresses
from .models import WebhookAttempt, WebhookEndpoint, WebhookEvent

EXCERPT = 300  # characters of the receiver's answer kept in the log
USER_AGENT = "cms-webhooks/1"


def signature_headers(endpoint: WebhookEndpoint, event: WebhookEvent, body: str) -> dict[str, str]:
    """Standard Webhooks headers: one signature per valid secret (two during a rotation)."""
    now = datetime.now(tz=UTC)
    signatures = [
        Webhook(secret).sign(event.webhook_id, now, body) for secret in endpoint.signing_secrets()
    ]
    return {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def claim(event_id: UUID) -> WebhookEvent | None:
    """Lease a due event to this worker; None if it is not due or another worker has it."""
    now = timezone.now()
    claimed = (
        WebhookEvent.objects.filter(pk=event_id, next_attempt_at__lte=now)
        .filter(status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING])
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + lease(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return WebhookEvent.objects.select_related("endpoint").get(pk=event_id)


def lease() -> timedelta:
    """How long a worker has an event to itself: longer than any one attempt can take."""
    return timedelta(seconds=2 * settings.CMS_WEBHOOK_TIMEOUT_SECONDS + 10)


def due() -> list[UUID]:
    """The events to send now."""
    now = timezone.now()
    return list(
        WebhookEvent.objects.filter(next_attempt_at__lte=now)
        .filter(status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING])
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .values_list("pk", flat=True)[:200]
    )


@dataclass
class Answer:
    """How one attempt went, as seen on the network."""

    status_code: int | None = None  # None: no answer
    excerpt: str = ""
    error: str = ""
    latency_ms: int = 0
    at: datetime = field(default_factory=timezone.now)  # when the answer (or failure) came


def prepare(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    """The body (frozen at the first attempt) and the signed headers of a claimed event."""
    if not event.body:
        event.body = events.body(event)
        WebhookEvent.objects.filter(pk=event.pk).update(body=event.body)
    return event.body, signature_headers(event.endpoint, event, event.body)


def post(url: str, body: str, headers: dict[str, str]) -> Answer:
    """One attempt, on the network only (no database: attempts run in threads)."""
    answer = Answer()
    started = time.monotonic()
    try:
        response = _post(url, body, headers)
        answer.status_code = response.status
        answer.excerpt = response.data[:2000].decode("utf-8", "replace")[:EXCERPT]
    except Refused as refusal:
        answer.error = str(refusal)[:500]
    except urllib3.exceptions.HTTPError as error:
        answer.error = (str(error) or type(error).__name__)[:500]
    answer.latency_ms = round((time.monotonic() - started) * 1000)
    answer.at = timezone.now()
    return answer


def send(event: WebhookEvent) -> WebhookAttempt:
    """Prepare, post and record one attempt at a claimed event."""
    body, headers = prepare(event)
    return record(event, post(event.endpoint.url, body, headers))


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


def _post(url: str, body: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
    """POST to the address checked now (not one the name may resolve to a moment later)."""
    host, port, ips = addresses(url)
    parts = urllib3.util.parse_url(url)
    timeout = urllib3.Timeout(
        connect=min(3.0, settings.CMS_WEBHOOK_TIMEOUT_SECONDS),
        read=settings.CMS_WEBHOOK_TIMEOUT_SECONDS,
    )
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ips[0],
            port,
            server_hostname=host,
            assert_hostname=host,
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ips[0], port, timeout=timeout, retries=False)
    with pool:
        return pool.urlopen(
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
            preload_content=True,
        )


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
    WebhookEvent.objects.filter(pk=event.pk).update(**update)
    for name, value in update.items():
        setattr(event, name, value)


def retry_delay(attempts: int) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones (None: give up), plus up to
    25 % jitter so receivers coming back are not hit by every event at once."""
    delays = settings.CMS_WEBHOOK_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return float(delays[attempts - 1]) * random.uniform(1.0, 1.25)  # noqa: S311 (not a secret)
