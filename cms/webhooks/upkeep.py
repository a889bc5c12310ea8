"""What a worker does on its own, besides the tasks it is given: every few seconds, the work a
killed worker left undone (receipts not fanned out, events whose lease ran out, retries whose
task was lost); every hour, pruning the delivery log and finished task results."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connections
from django.utils import timezone

from cms.core.background import Background

from .models import PublishReceipt, WebhookAttempt, WebhookEvent
from .tasks import dispatch

logger = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0

_thread = Background("webhook-upkeep")


def prune() -> int:
    """Forget log rows, finished events and receipts older than CMS_WEBHOOK_LOG_DAYS, and
    (through django-tasks-db's own command) the worker's finished task results older than a
    day; returns the number of log rows removed."""
    before = timezone.now() - timedelta(days=settings.CMS_WEBHOOK_LOG_DAYS)
    removed = WebhookAttempt.objects.filter(at__lt=before).delete()[0]
    finished = [WebhookEvent.Status.DELIVERED, WebhookEvent.Status.FAILED]
    removed += WebhookEvent.objects.filter(created_at__lt=before, status__in=finished).delete()[0]
    removed += PublishReceipt.objects.filter(created_at__lt=before, events=None).delete()[0]
    call_command(  # as options: the command checks each (a backend given as a keyword is not)
        "prune_db_task_results",
        "--backend=worker",
        "--queue-name=*",
        "--min-age-days=1",
        verbosity=0,
    )
    return removed


def _run(sweep_every: float) -> None:
    next_prune = 0.0  # at the first round, then every PRUNE_EVERY
    while not _thread.stopping.wait(sweep_every):
        close_old_connections()
        try:
            dispatch.call()
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                prune()
        except Exception:  # the database is down: the next round tries again
            logger.warning("Webhook upkeep failed; trying again shortly", exc_info=True)
    connections.close_all()


def start(sweep_every: float) -> None:
    """Every `sweep_every` seconds (CMS_WORKER_UPKEEP_SECONDS), in a daemon thread."""
    _thread.start(_run, sweep_every)


def stop() -> None:
    _thread.stop()
