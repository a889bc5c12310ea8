"""The worker's one task (django-tasks, the database backend of the `worker` alias): fan the
new receipts out into events and send every event that is due, several at once, so a receiver
that hangs holds up only its own deliveries.

Each publish schedules a run after the coalescing window, and each retry one at its time; a
worker also runs it every few seconds on its own (cms_worker), so nothing waits on a task that
a killed worker left half done.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import events, sending
from .models import WebhookEvent

logger = logging.getLogger(__name__)

SENDERS = 8  # events sent at once by one worker
ROUNDS = 25  # rounds of SENDERS per run: the rest waits for the next run


@task(backend="worker", queue_name="webhooks")
def dispatch() -> int:
    """Fan out, then send what is due, SENDERS at a time; returns the attempts made."""
    events.fan_out()
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
    _schedule_next_retry()
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


def schedule(at: datetime, unless_waiting: bool = False) -> None:
    """Run `dispatch` at `at` (or soon after); `unless_waiting`: only if no run not started
    yet is already due by then."""
    if unless_waiting:
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=dispatch.module_path, run_after__lte=at
        )
        if waiting.exists():
            return
    dispatch.using(run_after=at).enqueue()


def _schedule_next_retry() -> None:
    upcoming = (
        WebhookEvent.objects.filter(status=WebhookEvent.Status.RETRYING)
        .exclude(lease_until__gt=timezone.now())  # being sent: it decides its own next time
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if upcoming is not None:
        schedule(max(upcoming, timezone.now()), unless_waiting=True)
