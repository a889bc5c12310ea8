"""The website-data cache: key names, TTLs, Cache-Control, and how freshness is guaranteed.

Every cached value has a *generation*: a random token stored beside it, under its own key.

- A reader that misses takes the key's current token *before* it reads the database, and may
  write its payload only while that token is still current (an atomic compare-and-set).
- A purge gives the key a fresh token and deletes the value, in one transaction.

So a reader that began building from the database before a publish committed cannot write its
stale payload back after the purge: its token is no longer current. A hit is one round trip
(MGET of token and value) and returns the stored, already-serialised bytes.

When Redis is unreachable, reads and writes are skipped (the caller builds from the database)
and purges are recorded in the database (PendingPurge). The process then stops trusting Redis
until it has applied every pending purge, so a publish made during an outage is not lost.
"""

import logging
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

# Bump to invalidate every key at once when the payload's shape changes.
KEY_VERSION = 1

WEBSITE_DATA = "website_data"


@dataclass(frozen=True)
class Section:
    key: str  # the cache key's name ("menu_items"), used by the refresh API
    field: str  # the name in the payload ("menu"), used by ?sections=
    default_ttl: int

    @property
    def ttl(self):
        return ttl_for(self.key)


# In payload order.
SECTIONS = (
    Section("menu_items", "menu", 30 * 60),
    Section("heroes", "heroes", 30 * 60),
    Section("partners", "partners", 30 * 60),
    Section("footer_links", "footer", 30 * 60),
    Section("seo_data", "seo", 60 * 60),
    Section("home_page", "home", 60 * 60),
)
SECTIONS_BY_NAME = {name: s for s in SECTIONS for name in (s.key, s.field)}
DEFAULT_TTLS = {WEBSITE_DATA: 60 * 60} | {s.key: s.default_ttl for s in SECTIONS}

LOCK_TIMEOUT = 10  # seconds a builder may hold a build lock
LOCK_WAIT = 5  # seconds a reader waits for another's build before building itself
RETRY_INTERVAL = 1.0  # seconds between attempts to reconcile after an outage
OUTAGE_LOG_INTERVAL = 60  # at most one outage warning a minute per process


def ttl_for(name):
    return getattr(settings, "CMS_CACHE_TTLS", {}).get(name, DEFAULT_TTLS[name])


def cache_key(locale_code, name):
    return f"{settings.CMS_CACHE_KEY_PREFIX}:v{KEY_VERSION}:{locale_code}:{name}"


def all_keys(locale_codes):
    return [
        cache_key(code, name)
        for code in locale_codes
        for name in (WEBSITE_DATA, *(s.key for s in SECTIONS))
    ]


def patch_public_cache_headers(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.CMS_API_MAX_AGE,
        stale_while_revalidate=settings.CMS_API_STALE_WHILE_REVALIDATE,
    )


@dataclass(frozen=True)
class Entry:
    version: str
    body: bytes


# Stores: the same five operations on Redis and, for the quick start, on a local-memory cache.

_WRITE_IF_CURRENT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


def _new_token():
    return secrets.token_hex(8)


def _encode(token, entry):
    return b"%s\n%s\n" % (token.encode(), entry.version.encode()) + entry.body


def _decode(token, raw):
    if token is None or raw is None:
        return None
    token = token.decode() if isinstance(token, bytes) else token
    stored_token, version, body = raw.split(b"\n", 2)
    if stored_token.decode() != token:
        return None
    return Entry(version.decode(), body)


class RedisStore:
    def __init__(self, client):
        self.client = client
        self._write_if_current = client.register_script(_WRITE_IF_CURRENT)

    def read_many(self, keys):
        values = self.client.mget([part for key in keys for part in (f"{key}:gen", key)])
        return {key: _decode(values[2 * i], values[2 * i + 1]) for i, key in enumerate(keys)}

    def tokens(self, keys):
        pipe = self.client.pipeline(transaction=False)
        fresh = [_new_token() for _ in keys]
        for key, token in zip(keys, fresh, strict=True):
            pipe.set(f"{key}:gen", token, nx=True, get=True)
        existing = pipe.execute()
        return {
            key: (old.decode() if old is not None else new)
            for key, old, new in zip(keys, existing, fresh, strict=True)
        }

    def write_many(self, items):
        """items: (key, token, entry, ttl). Writes each only if its token is still current."""
        pipe = self.client.pipeline(transaction=False)
        for key, token, entry, ttl in items:
            self._write_if_current(
                keys=[f"{key}:gen", key], args=[token, _encode(token, entry), ttl], client=pipe
            )
        return [bool(done) for done in pipe.execute()]

    def purge(self, keys):
        pipe = self.client.pipeline(transaction=True)
        for key in keys:
            pipe.set(f"{key}:gen", _new_token())
            pipe.delete(key)
        pipe.execute()
        return True

    @contextmanager
    def lock(self, name):
        lock = self.client.lock(f"{name}:lock", timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_WAIT)
        acquired = lock.acquire()
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    lock.release()
                except Exception:  # expired, or Redis gone: nothing left to release
                    logger.debug("Build lock %s already released", name)

    def ttl(self, key):
        return self.client.ttl(key)

    def ping(self):
        return self.client.ping()


class LocalStore:
    """The same semantics within one process, for the SQLite / local-memory quick start."""

    def __init__(self, cache):
        self.cache = cache
        self._mutex = threading.Lock()
        self._locks = {}

    def read_many(self, keys):
        values = self.cache.get_many([part for key in keys for part in (f"{key}:gen", key)])
        return {key: _decode(values.get(f"{key}:gen"), values.get(key)) for key in keys}

    def tokens(self, keys):
        with self._mutex:
            result = {}
            for key in keys:
                self.cache.add(f"{key}:gen", _new_token(), timeout=None)
                result[key] = self.cache.get(f"{key}:gen")
            return result

    def write_many(self, items):
        with self._mutex:
            done = []
            for key, token, entry, ttl in items:
                current = self.cache.get(f"{key}:gen") == token
                if current:
                    self.cache.set(key, _encode(token, entry), timeout=ttl)
                    self.cache.set(f"{key}:expires", time.time() + ttl, timeout=ttl)
                done.append(current)
            return done

    def purge(self, keys):
        with self._mutex:
            for key in keys:
                self.cache.set(f"{key}:gen", _new_token(), timeout=None)
                self.cache.delete_many([key, f"{key}:expires"])
        return True

    @contextmanager
    def lock(self, name):
        with self._mutex:
            lock = self._locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(timeout=LOCK_WAIT)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()

    def ttl(self, key):
        expires = self.cache.get(f"{key}:expires")
        return -2 if expires is None else max(0, round(expires - time.time()))

    def ping(self):
        return True


def _cache_errors():
    from django_redis.exceptions import ConnectionInterrupted
    from redis.exceptions import RedisError

    return (RedisError, ConnectionInterrupted, OSError)


class WebsiteCache:
    """The cache as the rest of the project sees it: never raises because Redis is down."""

    def __init__(self):
        self._store_lock = threading.Lock()
        self.reset()

    @property
    def store(self):
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = self._make_store()
        return self._store

    @staticmethod
    def _make_store():
        backend = settings.CACHES["default"]["BACKEND"]
        if backend.startswith("django_redis."):
            from django_redis import get_redis_connection

            return RedisStore(get_redis_connection("default"))
        return LocalStore(caches["default"])

    def reset(self):
        """Forget the connection and the outage state (settings changed, e.g. in tests)."""
        self._store = None
        self.healthy = True
        self._last_attempt = 0.0
        self._last_warning = 0.0
        self._suppressed = 0

    # Reads and writes: None / False when Redis cannot be trusted right now.

    def read_many(self, keys):
        if not self._usable():
            return None
        return self._call(self.store.read_many, keys)

    def tokens(self, keys):
        if not self._usable():
            return None
        return self._call(self.store.tokens, keys)

    def write_many(self, items):
        if not items or not self._usable():
            return None
        return self._call(self.store.write_many, items)

    @contextmanager
    def build_lock(self, name):
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

    def ttl(self, key):
        return self._call(self.store.ttl, key)

    def ping(self):
        """Round-trip time in milliseconds, or None when Redis does not answer."""
        started = time.perf_counter()
        if self._call(self.store.ping) is None:
            return None
        return (time.perf_counter() - started) * 1000

    # Purges: never lost.

    def purge(self, keys):
        """Forget `keys` now, or as soon as Redis answers again."""
        keys = sorted(set(keys))
        if not keys:
            return
        if self.healthy and self._call(self.store.purge, keys, default=False):
            logger.info("Purged %s", ", ".join(keys))
            return
        from .models import PendingPurge

        PendingPurge.objects.bulk_create(PendingPurge(key=key) for key in keys)
        logger.warning("Redis unavailable: %d purge(s) kept until it is back", len(keys))

    def reconcile(self):
        """Apply the purges recorded during an outage; True when the cache is usable again."""
        from .models import PendingPurge

        pending = list(PendingPurge.objects.values_list("pk", "key"))
        if pending:
            if not self._call(
                self.store.purge, sorted({key for _, key in pending}), default=False
            ):
                return False
            PendingPurge.objects.filter(pk__in=[pk for pk, _ in pending]).delete()
            logger.warning("Redis is back: applied %d pending purge(s)", len(pending))
        elif self._call(self.store.ping) is None:
            return False
        if not self.healthy:
            logger.warning("Redis is back: using the cache again")
        self.healthy = True
        self._suppressed = 0
        return True

    # Outage handling.

    def _usable(self):
        if self.healthy:
            return True
        now = time.monotonic()
        if now - self._last_attempt < RETRY_INTERVAL:
            return False
        self._last_attempt = now
        return self.reconcile()

    def _call(self, method, *args, default=None):
        try:
            return method(*args)
        except _cache_errors() as error:
            self._outage(error)
            return default

    def _outage(self, error):
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


website_cache = WebsiteCache()
