"""Every app process, every CMS_PURGE_RECONCILE_SECONDS: finishes the propagations a dead
process left unfinished, and retries the purges a shared cache in front of the API missed
(PendingEdgePurge). (What a lost Redis purge leaves is never served: cms.cache.generation.)"""

import logging

from django.db import close_old_connections, connections

from cms.core.background import Background
from cms.delivery import propagation, shared_caches

logger = logging.getLogger(__name__)

_thread = Background("purge-reconciler")


def apply_kept_purges() -> bool:
    """One round: finish what dead processes left unfinished; then True when there was
    nothing to do or every purge kept for the shared caches in front of the API was applied
    (cms.delivery.shared_caches)."""
    propagation.replay_unfinished()
    return shared_caches.retry_pending()


def _run(interval: float) -> None:
    while True:  # at once, then every `interval`
        close_old_connections()  # a connection the database dropped meanwhile
        try:
            apply_kept_purges()
        except Exception:  # the database is down: the next round tries again
            logger.debug("Could not look for kept purges", exc_info=True)
        if _thread.stopping.wait(interval):
            break
    connections.close_all()  # this thread's own connection


def start(interval: float) -> None:
    """Look now and every `interval` seconds, in a daemon thread of this process (once per
    process)."""
    if interval > 0:
        _thread.start(_run, interval)


def stop() -> None:
    """Stop looking (tests; a worker's thread simply ends with the process)."""
    _thread.stop()
