"""The cache as the rest of the project sees it: it never raises because Redis is down.

When a Redis call fails (unreachable, frozen, refusing writes), the process stops using Redis
for RETRY_INTERVAL: reads and writes are skipped (the caller serves from the database) and
purges are not sent. Nothing needs to be kept for later: what Redis holds from before a change
is stamped with an older content generation and never served again (cms.cache.generation).
The engine itself (tokens, compare-and-set writes) is cms.cache.stores.
"""

import enum
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from cms.cache import generation
from cms.cache.breaker import breaker
from cms.cache.stores import Entry, LocalStore, RedisStore, Write
from cms.core.outages import OutageLog

logger = logging.getLogger(__name__)

RETRY_INTERVAL = 1.0  # seconds between attempts to reconcile after an outage


class Lock(enum.Enum):
    HELD = "held"  # this reader builds; the others wait for it
    READY = "ready"  # another reader's build finished while this one waited
    BUSY = "busy"  # another reader's build outlasted the wait
    NONE = "none"  # no Redis to coordinate through: every reader builds


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
        generation.forget()
        breaker.reset()
        self.healthy = True
        self._last_attempt = 0.0
        self._outages = OutageLog(logger, "Redis")

    def available(self) -> bool:
        """Whether Redis can be trusted right now (after an outage: once reconciled)."""
        return self._usable()

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
    def build_lock(self, name: str, ready: Callable[[], bool] | None = None) -> Iterator[Lock]:
        """Serialises builds of one thing: yields HELD to the one reader that builds, READY to
        one that saw `ready()` come true while waiting (Redis only), BUSY to one that waited
        for another's build in vain, NONE while Redis is unusable."""
        if not self._usable():
            yield Lock.NONE
            return
        # Only taking the lock is Redis's business: an error of the build itself (a missing
        # image file is an OSError too) must reach the caller as it is.
        lock = self.store.lock(name, ready)
        try:
            acquired = lock.__enter__()
        except _cache_errors() as error:
            self._outage(error)
            yield Lock.NONE
            return
        try:
            yield {True: Lock.HELD, None: Lock.READY, False: Lock.BUSY}[acquired]
        finally:
            lock.__exit__(None, None, None)  # releasing tolerates a Redis gone meanwhile

    def set_without_ttl(self, key: str, entry: Entry) -> None:
        """Store a copy without a TTL (a last good payload: cms.cache.local_copies)."""
        if self._usable():
            self._call(self.store.set_without_ttl, key, entry)

    def get_without_ttl(self, key: str) -> Entry | None:
        return self._call(self.store.get_without_ttl, key) if self._usable() else None

    def ttl(self, key: str) -> int | None:
        return self._call(self.store.ttl, key)

    def ping(self) -> float | None:
        """Round-trip time in milliseconds, or None when Redis does not answer."""
        started = time.perf_counter()
        if self._call(self.store.ping) is None:
            return None
        return (time.perf_counter() - started) * 1000

    # Purges: the fast path. One that does not land is harmless (cms.cache.generation).

    def purge(self, keys: Iterable[str]) -> bool:
        """Forget `keys` in Redis and in every process's copies; True when Redis took it.

        A purge Redis refused or never answered is not kept to be retried: every entry it
        would have removed is stamped with a generation older than the one the change moved
        on, and no process serves such an entry once it has read that generation."""
        keys = sorted(set(keys))
        if not keys:
            return True
        if self.healthy and self._call(self.store.purge, keys, default=False):
            logger.info("Purged %s", ", ".join(keys))
            return True
        logger.warning(
            "Redis did not take a purge of %d key(s): what it holds of them is older than the "
            "content generation, and is not served",
            len(keys),
        )
        return False

    def reconcile(self) -> bool:
        """After an outage: whether Redis takes writes again, and is then used again."""
        if not self._call(self.store.probe, default=False):
            return False
        self.healthy = True
        self._outages.recovered("using the cache again")
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
        self._outages.failed(error, "serving from the database")


payload_cache = PayloadCache()
