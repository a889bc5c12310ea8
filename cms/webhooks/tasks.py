"""The worker's one task (django-tasks, the database backend of the `worker` alias), and what
queues it: fan the new receipts out into events and send every event that is due, several at
once, so a receiver that hangs holds up only its own deliveries.

Each publish queues a run after the coalescing window (`record`), each failed attempt one at
its retry time, and a ping one at once; a worker also runs it every few seconds on its own
(cms.webhooks.upkeep), so nothing waits on a task that a killed worker left half done.
The queue is touched only through django-tasks' API.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from cms.delivery.models import EventKind
from cms.delivery.propagation import Propagation, propagated

from . import events, receipts, sending
from .models import WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

SENDERS = 8  # events sent at once by one worker
ROUNDS = 25  # rounds of SENDERS per run: the rest waits for the next run


@task(backend="worker", queue_name="webhooks")
def dispatch() -> int:
    """Fan out, then send what is due, SENDERS at a time; returns the attempts made."""
    fanned = events.fan_out()
    if fanned.again_at is not None:
        schedule(fanned.again_at)
    made = 0
    for _ in range(ROUNDS):
        claimed = [e for pk in sending.due(SENDERS) if (e := sending.claim(pk)) is not None]
        if not claimed:
            break
        made += len(claimed)
        bodies = [_prepared(event) for event in claimed]
        # Only the network waits in threads; the database is read and written here.
        with ThreadPoolExecutor(max_workers=len(claimed)) as pool:
            answers = list(pool.map(_post, claimed, bodies))
        for event, answer in zip(claimed, answers, strict=True):
            try:
                sending.record(event, answer)
            except Exception:  # its lease runs out, and it is sent again
                logger.exception("Could not record an attempt at webhook event %s", event.pk)
                continue
            if event.status == WebhookEvent.Status.RETRYING and event.next_attempt_at:
                schedule(event.next_attempt_at)  # one run per failed attempt, at its time
    return made


def _prepared(event: WebhookEvent) -> str | Exception:
    try:
        return sending.prepare(event)
    except Exception as error:  # counted as a failed attempt, retried on the schedule
        logger.exception("Could not build webhook event %s", event.pk)
        return error


def _post(event: WebhookEvent, body: str | Exception) -> sending.Answer:
    if isinstance(body, Exception):
        return sending.failed(body)
    return sending.post(event, body)


def schedule(at: datetime) -> None:
    """Run `dispatch` at `at` (or soon after)."""
    dispatch.using(run_after=at).enqueue()


def record(sender: Any, propagation: Propagation, **kwargs: Any) -> None:
    """Receiver of cms.delivery.propagation.propagated, within the transaction that marks the
    change as propagated: if the database fails here, the change stays unfinished and is
    announced again later (cms.delivery.propagation.replay_unfinished)."""
    receipts.write(propagation)
    schedule(timezone.now() + events.window())


def ping(endpoint: WebhookEndpoint) -> WebhookEvent:
    """A ping sent from the admin, to check an endpoint (it is sent even if inactive)."""
    event = WebhookEvent.objects.create(endpoint=endpoint, type=EventKind.PING)
    schedule(timezone.now())
    return event


def register_signal_handlers() -> None:
    propagated.connect(record, dispatch_uid="webhooks.record")
