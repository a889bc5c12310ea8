"""Scheduled go-live and expiry, on time, run by every worker (manage.py cms_worker) every
CMS_SCHEDULER_SECONDS.

Wagtail records a schedule (a revision's `approved_go_live_at`, an object's `expire_at`) and
acts on it only when `manage.py publish_scheduled` runs, from a cron job this deployment does
not have. A sweep does what that command does, with the differences a shared, always-running
worker needs:

- one worker sweeps at a time (a PostgreSQL advisory lock; the others skip that second), so
  a batch due together is one worker's one change, however long it takes to publish; and
  each item is published or unpublished in its own transaction, its row locked with SKIP
  LOCKED, so that even two sweeps at once would never act on the same item twice;
- an item that fails is logged and left for the next sweep; the others go on (the command
  stops at the first error);
- a revision whose own `expire_at` has already passed is not published (the command publishes
  it, then expires it on its next run): its schedule is dropped;
- everything one sweep changes is one change (cms.delivery.propagation.one_change): Redis is
  purged as each item commits, the shared caches once, and frontends get one event per
  endpoint and locale.

Why a sweep every second rather than a task queued for each go-live: django-tasks' database
worker finds a task whose time has come by polling its table anyway, and a schedule changes
under it (an editor reschedules, cancels, approves again); reading the schedule itself, by an
indexed column, is as cheap, needs nothing kept in step, and a worker killed at the due moment
leaves nothing behind for the next one to miss.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db import DatabaseError, close_old_connections, connections, models, transaction
from django.utils import dateparse, timezone
from wagtail.models import DraftStateMixin, Page, Revision

from cms.core.background import Background
from cms.delivery import propagation

from .models import SchedulerRun

logger = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=30)  # how often a worker's sweeps are recorded
LATE = timedelta(minutes=5)  # no sweep recorded for this long: the admin and /health/ say so


@dataclass
class Sweep:
    published: int = 0
    expired: int = 0
    failed: int = 0

    def __iadd__(self, other: "Sweep") -> "Sweep":
        self.published += other.published
        self.expired += other.expired
        self.failed += other.failed
        return self


def scheduled_models() -> list[type[DraftStateMixin]]:
    """Pages, and every other model with draft state (as publish_scheduled takes them)."""
    return [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]


# The key of the advisory lock only one sweeping worker holds at a time.
SWEEP_LOCK = 7_302_417


@contextmanager
def _the_only_sweep() -> Iterator[bool]:
    """Whether this worker may sweep now: no other holds the lock. Without it, two workers
    due at once could split a batch into two changes (two events per frontend and locale)
    whenever publishing it takes longer than the webhooks' coalescing window. A worker that
    dies lets go of it with its connection. SQLite (a single `make run` worker) has none."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def sweep(now: datetime | None = None) -> Sweep:
    """Unpublish what expired, then publish what is due, as of `now` (unless another worker
    is sweeping: it does that)."""
    with _the_only_sweep() as mine:
        return _sweep(now or timezone.now()) if mine else Sweep()


def _sweep(now: datetime) -> Sweep:
    done = Sweep()
    with propagation.one_change():
        for model in scheduled_models():
            due = model._default_manager.filter(live=True, expire_at__lte=now)
            for pk in due.order_by("expire_at").values_list("pk", flat=True):
                done += _expire(model, pk, now)
        due = Revision.objects.filter(approved_go_live_at__lte=now)
        for pk in due.order_by("approved_go_live_at", "pk").values_list("pk", flat=True):
            done += _go_live(pk, now)
    return done


def _expire(model: type[DraftStateMixin], pk: object, now: datetime) -> Sweep:
    try:
        with transaction.atomic():
            locked = model._default_manager.select_for_update(skip_locked=True)
            item = locked.filter(pk=pk, live=True, expire_at__lte=now).first()
            if item is None:  # another worker has it, or it changed since
                return Sweep()
            if isinstance(item, Page):
                item = item.specific
            item.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        logger.info("Expired %s %s", model._meta.label, pk)
        return Sweep(expired=1)
    except Exception:
        logger.exception("Could not expire %s %s; trying again next sweep", model._meta.label, pk)
        return Sweep(failed=1)


def _go_live(pk: int, now: datetime) -> Sweep:
    try:
        with transaction.atomic():
            locked = Revision.objects.select_for_update(skip_locked=True)
            revision = locked.filter(pk=pk, approved_go_live_at__lte=now).first()
            if revision is None:  # another worker has it, or it was unscheduled since
                return Sweep()
            if _expired_already(revision, now):
                revision.approved_go_live_at = None
                revision.save(update_fields=["approved_go_live_at"])
                logger.warning("Not publishing revision %s: it expired before its go-live", pk)
                return Sweep()
            revision.publish(log_action="wagtail.publish.scheduled")
        logger.info("Published revision %s of %s on schedule", pk, revision.object_str)
        return Sweep(published=1)
    except Exception:
        logger.exception("Could not publish revision %s; trying again next sweep", pk)
        return Sweep(failed=1)


def _expired_already(revision: Revision, now: datetime) -> bool:
    expire_at = dateparse.parse_datetime(revision.content.get("expire_at") or "")
    return expire_at is not None and expire_at <= now


def record(done: Sweep, now: datetime) -> None:
    """Say this worker swept at `now`, adding what it did since it last said so."""
    SchedulerRun.objects.get_or_create(pk=1, defaults={"ran_at": now})
    SchedulerRun.objects.filter(pk=1).update(
        ran_at=now,
        published=models.F("published") + done.published,
        expired=models.F("expired") + done.expired,
        failed=models.F("failed") + done.failed,
    )


def last_run() -> datetime | None:
    """When any worker last swept (to within HEARTBEAT), or None if none ever did."""
    return SchedulerRun.objects.filter(pk=1).values_list("ran_at", flat=True).first()


def is_late(ran_at: datetime | None, now: datetime | None = None) -> bool:
    return ran_at is None or (now or timezone.now()) - ran_at > LATE


_thread = Background("scheduler")


def _run(every: float) -> None:
    unrecorded, recorded_at = Sweep(), 0.0
    while not _thread.stopping.is_set():
        close_old_connections()
        try:
            unrecorded += sweep()
            if time.monotonic() - recorded_at >= HEARTBEAT.total_seconds():
                record(unrecorded, timezone.now())
                unrecorded, recorded_at = Sweep(), time.monotonic()
        except DatabaseError:  # the database is down: the next sweep tries again
            logger.warning("The scheduler could not sweep; trying again shortly", exc_info=True)
        _thread.stopping.wait(every)
    connections.close_all()


def start(every: float) -> None:
    """Sweep now, then every `every` seconds (CMS_SCHEDULER_SECONDS), in a daemon thread."""
    _thread.start(_run, every)


def stop() -> None:
    _thread.stop()
