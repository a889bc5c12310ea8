"""The cache as the rest of the project sees it: it never raises because Redis is down.

When Redis is unreachable, reads and writes are skipped (the caller builds from the database)
and purges are recorded in the database (PendingPurge). The process then stops trusting Redis
until it has applied every pending purge, so a publish made during an outage is not lost. The
engine itself (generations, compare-and-set writes) is cms.delivery.stores.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from .stores import Entry, LocalStore, RedisStore, Write

logger = logging.getLogger(__name__)

RETRY_INTERVAL = 1.0  # seconds between attempts to reconcile after an outage
OUTAGE_LOG_INTERVAL = 60  # at most one outage warning a minute per process

T = TypeVar("T")
Store = RedisStore | LocalStore


def _cache_errors() -> tuple[type[BaseException], ...]:
    from django_redis.exceptions import ConnectionInterrupted
    from redis.exceptions import RedisError

    return (RedisError, ConnectionInterrupted, OSError)


class PayloadCache:
    """Reads, compare-and-set writes, build locks and never-lost purges, over whichever store
    the settings configure."""

    def __init__(self) -> None:
        self._store_lock = threading.Lock()
        self._store: Store | None = None
        self.reset()

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = self._make_store()
        return self._store

    @staticmethod
    def _make_store() -> Store:
        backend = settings.CACHES["default"]["BACKEND"]
        if backend.startswith("django_redis."):
            from django_redis import get_redis_connection

            return RedisStore(get_redis_connection("default"))
        return LocalStore(caches["default"])

    def reset(self) -> None:
        """Forget the connection and the outage state (settings changed, e.g. in tests)."""
        self._store = None
        self.healthy = True
        self._last_attempt = 0.0
        self._last_warning = 0.0
        self._suppressed = 0

    # Reads and writes: None when Redis cannot be trusted right now.

    def read_many(self, keys: Sequence[str]) -> dict[str, Entry | None] | None:
        if not self._usable():
            return None
        return self._call(self.store.read_many, keys)

    def tokens(self, keys: Sequence[str]) -> dict[str, str] | None:
        if not self._usable():
            return None
        return self._call(self.store.tokens, keys)

    def write_many(self, items: Sequence[Write]) -> list[bool] | None:
        if not items or not self._usable():
            return None
        return self._call(self.store.write_many, items)

    @contextmanager
    def build_lock(self, name: str) -> Iterator[bool]:
        """Serialises builds of one thing; yields whether the lock is held. Without Redis, no
        lock: every reader builds from the database."""
        if not self._usable():
            yield False
            return
        try:
            with self.store.lock(name) as acquired:
                yield acquired
        except _cache_errors() as error:
            self._outage(error)
            yield False

    def ttl(self, key: str) -> int | None:
        return self._call(self.store.ttl, key)

    def ping(self) -> float | None:
        """Round-trip time in milliseconds, or None when Redis does not answer."""
        started = time.perf_counter()
        if self._call(self.store.ping) is None:
            return None
        return (time.perf_counter() - started) * 1000

    # Purges: never lost.

    def purge(self, keys: Iterable[str]) -> None:
        """Forget `keys` now, or as soon as Redis answers again."""
        keys = sorted(set(keys))
        if not keys:
            return
        if self.healthy and self._call(self.store.purge, keys, default=False):
            logger.info("Purged %s", ", ".join(keys))
            # And whatever an outage left behind, whichever process kept it.
            self._apply_pending()
            return
        from .models import PendingPurge

        PendingPurge.objects.bulk_create(PendingPurge(key=key) for key in keys)
        logger.warning("Redis unavailable: %d purge(s) kept until it is back", len(keys))

    def reconcile(self) -> bool:
        """Apply the purges recorded during an outage; True when the cache is usable again."""
        applied = self._apply_pending()
        if applied is False or (applied is None and self._call(self.store.ping) is None):
            return False
        if not self.healthy:
            logger.warning("Redis is back: using the cache again")
        self.healthy = True
        self._suppressed = 0
        return True

    def _apply_pending(self) -> bool | None:
        """Apply the purges kept in the database: True when done, False when Redis refused,
        None when there were none."""
        from .models import PendingPurge

        pending = list(PendingPurge.objects.values_list("pk", "key"))
        if not pending:
            return None
        if not self._call(self.store.purge, sorted({key for _, key in pending}), default=False):
            return False
        PendingPurge.objects.filter(pk__in=[pk for pk, _ in pending]).delete()
        logger.warning("Redis is back: applied %d pending purge(s)", len(pending))
        return True

    # Outage handling.

    def _usable(self) -> bool:
        if self.healthy:
            return True
        now = time.monotonic()
        if now - self._last_attempt < RETRY_INTERVAL:
            return False
        self._last_attempt = now
        return self.reconcile()

    def _call(self, method: Callable[..., T], *args: Any, default: Any = None) -> T | Any:
        try:
            return method(*args)
        except _cache_errors() as error:
            self._outage(error)
            return default

    def _outage(self, error: BaseException) -> None:
        self.healthy = False
        self._last_attempt = time.monotonic()
        now = time.monotonic()
        if now - self._last_warning >= OUTAGE_LOG_INTERVAL:
            extra = f" ({self._suppressed} more failures since the last warning)"
            logger.warning(
                "Redis unavailable, serving from the database: %s%s",
                error,
                extra if self._suppressed else "",
            )
            self._last_warning = now
            self._suppressed = 0
        else:
            self._suppressed += 1


payload_cache = PayloadCache()
