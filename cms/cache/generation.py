"""The one rule that keeps every copy of the website data honest, whatever Redis does: a copy
is served only while its content generation is the newest this process has seen.

PostgreSQL owns the content generation (cms.delivery.models.ContentGeneration): every change
to published content moves it on, in the change's own transaction. Every cached entry is
stamped with the generation read *before* the database was read to build it (so its content is
at least that new). A process learns the current generation whenever it builds and, every
CMS_PURGE_RECONCILE_SECONDS, from a watcher thread of its own (`watch`: one read by primary
key); it never serves an entry, from Redis or from its own memory, stamped older than that.

Purges stay the fast path: a publish forgets what it changed in Redis, the process copies and
the shared caches before it returns. The stamps are what makes a lost purge harmless: a Redis
that refused it (READONLY after a failover, OOM, paused writes), froze through it, or came back
from an older snapshot serves entries stamped before the publish, and every process stops
trusting them within one watcher interval of the publish. A publish whose Redis purge did not
land waits that long before it purges the shared caches in front of the API, so they cannot
keep a copy an app server served before it knew (cms.delivery.propagation). docs/consistency.md
has the table of every store and its test.
"""

import fcntl
import logging
import mmap
import struct
import tempfile
import threading

from django.db import close_old_connections, connections

from cms.core import query_deadline
from cms.core.background import Background

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# None until this process has read the generation once: a process just started knows nothing
# of what happened before it, and trusts no copy (a gunicorn worker starts from what the app
# server's other workers saw: SharedNewest).
_newest: int | None = None


def newest() -> int:
    """The newest content generation this process has seen (0 before it has seen any)."""
    return _newest or 0


class SharedNewest:
    """The newest generation any worker of an app server has seen, in memory the workers
    share: created in gunicorn's master before it forks them (`share_between_workers`).

    A worker recycled while the database does not answer starts from it instead of from
    nothing, and serves from the cache at once: it knows what the other workers know, and the
    generation cannot move on while the database is down. Writes take a POSIX record lock,
    which a worker that dies holding it gives back."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        self._file.truncate(8)
        self._memory = mmap.mmap(self._file.fileno(), 8)

    def read(self) -> int:
        value: int = struct.unpack_from("q", self._memory)[0]
        return value

    def raise_to(self, value: int) -> None:
        fcntl.lockf(self._file, fcntl.LOCK_EX)
        try:
            if value > self.read():
                struct.pack_into("q", self._memory, 0, value)
        finally:
            fcntl.lockf(self._file, fcntl.LOCK_UN)


_shared: SharedNewest | None = None


def share_between_workers() -> None:
    """In gunicorn's master, before the workers are forked (config/gunicorn.conf.py)."""
    global _shared
    _shared = SharedNewest()


def saw(value: int) -> None:
    """Note a generation read from PostgreSQL; an older one than already seen changes nothing."""
    global _newest
    if _newest is None or value > _newest:
        with _lock:
            _newest = value if _newest is None else max(_newest, value)
            if _shared is not None:
                _shared.raise_to(_newest)


def is_current(stamp: int) -> bool:
    """Whether an entry stamped `stamp` may be served: this process has read the generation,
    and nothing newer than the stamp since."""
    newest = _newest
    return newest is not None and stamp >= newest


def forget() -> None:
    """Start again from nothing seen (tests, which reset the database between them)."""
    global _newest
    with _lock:
        _newest = None


_watcher = Background("generation-watcher")


def _watch(interval: float) -> None:
    from cms.cache.models import ContentGeneration

    while True:  # at once, then every `interval`
        # The read is also the database's heartbeat: a database silent for a moment ends the
        # waits of every request at once, not at their deadline (cms.core.query_deadline).
        with query_deadline.heartbeat():
            try:
                close_old_connections()  # a connection the database dropped meanwhile
                saw(ContentGeneration.current())
            except Exception:  # the database is unreachable: a change that commits meanwhile
                # still purges Redis and this process's copies; this tries again next round.
                logger.debug("Could not read the content generation", exc_info=True)
        if _watcher.stopping.wait(interval):
            break
    connections.close_all()  # this thread's own connection


def watch(interval: float) -> None:
    """Read the content generation every `interval` seconds, in a daemon thread of this
    process (once per process); until the first read, a worker knows what its app server's
    other workers saw."""
    global _newest
    if _shared is not None and _newest is None and _shared.read():
        _newest = _shared.read()
    if interval > 0:
        _watcher.start(_watch, interval)


def stop_watching() -> None:
    _watcher.stop()
