"""The cache engine: stored values with generations, on Redis or, for the quick start, on
Django's local-memory cache. Both stores have the same five operations and semantics (the same
tests run on both, tests/cms/test_stores.py).

Every cached value has a *generation*: a random token stored beside it, under its own key.

- A reader that misses takes the key's current token *before* it reads the database, and may
  write its payload only while that token is still current (an atomic compare-and-set).
- A purge gives the key a fresh token and deletes the value, in one transaction.

So a reader that began building from the database before a publish committed cannot write its
stale payload back after the purge: its token is no longer current. A hit is one round trip
(MGET of token and value) and returns the stored, already-serialised bytes.
"""

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_TIMEOUT = 10  # seconds a builder may hold a build lock
LOCK_WAIT = 5  # seconds a reader waits for another's build before giving up on it


@dataclass(frozen=True)
class Entry:
    version: str
    body: bytes
    # When the content changes by itself (an announcement starts or ends), as a Unix time.
    expires_at: float | None = None
    # When it was assembled (ISO 8601): the envelope's timestamp, the same on every hit.
    built_at: str = ""
    # The content generation read before its content was (cms.cache.generation).
    generation: int = 0

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


# (key, generation token, entry, ttl in seconds)
Write = tuple[str, str, Entry, int]


_WRITE_IF_CURRENT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


def new_token() -> str:
    return secrets.token_hex(8)


def encode(token: str, entry: Entry) -> bytes:
    expires = b"" if entry.expires_at is None else b"%d" % entry.expires_at
    head = [token.encode(), entry.version.encode(), expires, entry.built_at.encode()]
    return b"\n".join([*head, b"%d" % entry.generation, entry.body])


def decode(token: str | bytes | None, raw: bytes | None) -> Entry | None:
    """The entry stored under `raw` if it belongs to the current generation `token`."""
    if token is None or raw is None:
        return None
    token = token.decode() if isinstance(token, bytes) else token
    stored_token, version, expires, built_at, generation, body = raw.split(b"\n", 5)
    if stored_token.decode() != token:
        return None
    expires_at = float(expires) if expires else None
    return Entry(version.decode(), body, expires_at, built_at.decode(), int(generation))


def _wait_for(attempt: Callable[[], bool]) -> bool:
    """Try until `attempt` succeeds or LOCK_WAIT runs out, soon at first and then less often
    (1 ms, doubling to 8 ms): a reader waiting for another's ~25 ms build gets it within a
    few ms of its end, without many readers polling Redis hard through a slow one."""
    deadline = time.monotonic() + LOCK_WAIT
    delay = 0.001
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.008)
    return True


# Purges are published here, for the copies each app process keeps (cms.cache.local_copies),
# and acknowledged under ack_key. A purge waits at most ACK_WAIT for them.
ACK_WAIT = 0.3


def channel() -> str:
    return f"{settings.CMS_CACHE_KEY_PREFIX}:purges"


def ack_key(ack: str) -> str:
    return f"{settings.CMS_CACHE_KEY_PREFIX}:acks:{ack}"


class RedisStore:
    def __init__(self, client: Any) -> None:
        self.client = client
        self._write_if_current = client.register_script(_WRITE_IF_CURRENT)

    def read_many(self, keys: Sequence[str]) -> dict[str, Entry | None]:
        values = self.client.mget([part for key in keys for part in (f"{key}:gen", key)])
        return {key: decode(values[2 * i], values[2 * i + 1]) for i, key in enumerate(keys)}

    def tokens(self, keys: Sequence[str]) -> dict[str, str]:
        pipe = self.client.pipeline(transaction=False)
        fresh = [new_token() for _ in keys]
        for key, token in zip(keys, fresh, strict=True):
            pipe.set(f"{key}:gen", token, nx=True, get=True)
        existing = pipe.execute()
        return {
            key: (old.decode() if old is not None else new)
            for key, old, new in zip(keys, existing, fresh, strict=True)
        }

    def write_many(self, items: Sequence[Write]) -> list[bool]:
        """Writes each item only if its token is still current."""
        pipe = self.client.pipeline(transaction=False)
        for key, token, entry, ttl in items:
            self._write_if_current(
                keys=[f"{key}:gen", key], args=[token, encode(token, entry), ttl], client=pipe
            )
        return [bool(done) for done in pipe.execute()]

    def set_without_ttl(self, key: str, entry: Entry) -> None:
        """Store without a TTL or a generation: a copy kept for bad days."""
        self.client.set(key, encode("", entry))

    def get_without_ttl(self, key: str) -> Entry | None:
        return decode("", self.client.get(key))

    def purge(self, keys: Sequence[str]) -> bool:
        """Forget `keys`, and tell every app process's copies (cms.cache.local_copies)
        in the same transaction; return once each listening process has dropped them."""
        ack = new_token()
        pipe = self.client.pipeline(transaction=True)
        for key in keys:
            pipe.set(f"{key}:gen", new_token())
            pipe.delete(key)
        pipe.publish(channel(), json.dumps({"ack": ack, "keys": list(keys)}))
        receivers = int(pipe.execute()[-1])
        if receivers:
            self._await_acks(ack, receivers)
        return True

    def _await_acks(self, ack: str, receivers: int) -> bool:
        """Wait until `receivers` listeners acknowledged the purge `ack`, or ACK_WAIT passed
        (longer than a listener may go unheard before its process stops using its copies)."""
        deadline = time.monotonic() + ACK_WAIT
        delay = 0.0005
        while int(self.client.get(ack_key(ack)) or 0) < receivers:
            if time.monotonic() >= deadline:
                logger.warning("A purge was not acknowledged by every app process in time")
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.005)
        return True

    @contextmanager
    def lock(self, name: str, ready: Callable[[], bool] | None = None) -> Iterator[bool | None]:
        """Yields True to the one that holds the lock, None to one that saw `ready()` come
        true while it waited (another's build is done), False when the wait ran out."""
        lock = self.client.lock(f"{name}:lock", timeout=LOCK_TIMEOUT)
        outcome: list[bool | None] = []

        def attempt() -> bool:
            if lock.acquire(blocking=False):
                outcome.append(True)
            elif ready is not None and ready():
                outcome.append(None)
            return bool(outcome)

        acquired = outcome[0] if _wait_for(attempt) else False
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    lock.release()
                except Exception:  # expired, or Redis gone: nothing left to release
                    logger.debug("Build lock %s already released", name)

    def ttl(self, key: str) -> int:
        return int(self.client.ttl(key))

    def ping(self) -> bool:
        return bool(self.client.ping())

    def probe(self) -> bool:
        """Whether Redis takes a write (a replica answers READONLY, a full Redis OOM)."""
        return bool(self.client.set(f"{settings.CMS_CACHE_KEY_PREFIX}:probe", b"1", ex=60))


class LocalStore:
    """The same semantics within one process, for the SQLite / local-memory quick start."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self._mutex = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def read_many(self, keys: Sequence[str]) -> dict[str, Entry | None]:
        values = self.cache.get_many([part for key in keys for part in (f"{key}:gen", key)])
        return {key: decode(values.get(f"{key}:gen"), values.get(key)) for key in keys}

    def tokens(self, keys: Sequence[str]) -> dict[str, str]:
        with self._mutex:
            result = {}
            for key in keys:
                self.cache.add(f"{key}:gen", new_token(), timeout=None)
                result[key] = self.cache.get(f"{key}:gen")
            return result

    def write_many(self, items: Sequence[Write]) -> list[bool]:
        with self._mutex:
            done = []
            for key, token, entry, ttl in items:
                current = self.cache.get(f"{key}:gen") == token
                if current:
                    self.cache.set(key, encode(token, entry), timeout=ttl)
                    self.cache.set(f"{key}:expires", time.time() + ttl, timeout=ttl)
                done.append(current)
            return done

    def set_without_ttl(self, key: str, entry: Entry) -> None:
        self.cache.set(key, encode("", entry), timeout=None)

    def get_without_ttl(self, key: str) -> Entry | None:
        return decode("", self.cache.get(key))

    def purge(self, keys: Sequence[str]) -> bool:
        with self._mutex:
            for key in keys:
                self.cache.set(f"{key}:gen", new_token(), timeout=None)
                self.cache.delete_many([key, f"{key}:expires"])
        return True

    @contextmanager
    def lock(self, name: str, ready: Callable[[], bool] | None = None) -> Iterator[bool | None]:
        # In one process a waiter wakes the moment the builder releases: `ready` is not needed.
        with self._mutex:
            lock = self._locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(timeout=LOCK_WAIT)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()

    def ttl(self, key: str) -> int:
        expires = self.cache.get(f"{key}:expires")
        return -2 if expires is None else max(0, round(expires - time.time()))

    def ping(self) -> bool:
        return True

    def probe(self) -> bool:
        return True
