"""Purges that could not reach Redis are kept in the database (PendingPurge), and so are
those that could not reach a shared cache in front of the API (PendingEdgePurge). Every app
process looks for them every few seconds and applies them once Redis answers, so a publish
made during an outage reaches every process shortly after Redis is back, including processes
that never noticed the outage and would otherwise go on trusting what Redis held."""

import logging

from django.db import close_old_connections, connections

from . import edge, propagation
from .background import Background
from .cache import payload_cache

logger = logging.getLogger(__name__)

_thread = Background("purge-reconciler")


def apply_kept_purges() -> bool:
    """One round: True when there was nothing to do or everything kept was applied, in Redis
    and in the shared caches in front of the API (cms.delivery.edge)."""
    from .models import PendingPurge

    redis_done = not PendingPurge.objects.exists() or payload_cache.reconcile()
    propagation.replay_unfinished()
    return edge.retry_kept() and redis_done


def _run(interval: float) -> None:
    while not _thread.stopping.wait(interval):
        close_old_connections()  # a connection the database dropped meanwhile
        try:
            apply_kept_purges()
        except Exception:  # the database is down: the next round tries again
            logger.debug("Could not look for kept purges", exc_info=True)
    connections.close_all()  # this thread's own connection


def start(interval: float) -> None:
    """Look every `interval` seconds, in a daemon thread of this process (once per process)."""
    if interval > 0:
        _thread.start(_run, interval)


def stop() -> None:
    """Stop looking (tests; a worker's thread simply ends with the process)."""
    _thread.stop()
