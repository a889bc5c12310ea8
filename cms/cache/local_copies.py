"""Everything an app process keeps of the website data in its own memory, under one rule
(docs/consistency.md): a copy is served as current only while it is stamped with the newest
content generation the process has seen (cms.cache.generation), has not expired, and one of
two things vouches that no change since has been missed:

- **heard**: it came from Redis while this process's purge listener was subscribed, and the
  listener is still the same subscription, heard from Redis within SILENCE_LIMIT, with nothing
  unread, and heard no purge of it. Redis answers: the hit costs no round trip.
- **proven**: Redis cannot be used at all, and the stamp is exactly the newest generation seen.
  The watcher reads the generation every CMS_PURGE_RECONCILE_SECONDS, so a change stops the copy
  within one interval, without a query per request.

Every purge publishes the keys it purged on a channel, in the same Redis transaction
(cms.cache.stores). A listener thread in each app process (started with each gunicorn
worker) forgets those copies and acknowledges; the purge waits for every acknowledgement, up to
ACK_WAIT, before it returns. A frozen or unreachable Redis silences the listener before a purge
that cannot reach Redis can fail, since that takes a socket timeout (longer, checked below).

Apart from the copies, the process remembers the **last good** payload of each locale (and
keeps it in Redis without a TTL, for every process): never served as current, only marked stale
when neither the cache nor the database can give anything fresher (cms.delivery.payload).

Without a listener (the tests, management commands, the local-memory quick start) no copy is
heard, and every hit while Redis answers is one round trip.
"""

import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from cms.cache import generation
from cms.cache.engine import payload_cache
from cms.cache.stores import Entry, ack_key, channel
from cms.core.background import Background

logger = logging.getLogger(__name__)

PING_EVERY = 0.05  # seconds between the listener's pings
SILENCE_LIMIT = 0.2  # no word from Redis for this long: copies are not used, and dropped


# How Redis answers a PING on a subscribed connection (RESP2 and the inline form).
_PONGS = (b"*2\r\n$4\r\npong\r\n$0\r\n\r\n", b"+PONG\r\n")


def _only_pongs(unread: bytes, looked_at: int = 256) -> bool:
    """Whether `unread` (the first `looked_at` bytes waiting at most) is nothing but pongs."""
    if not unread or len(unread) >= looked_at:  # closed, or more than we looked at
        return False
    for pong in _PONGS:
        unread = unread.replace(pong, b"")
    return unread == b""


@dataclass(frozen=True)
class Copy:
    entry: Entry
    # The listener's subscription that heard it from Redis; None for a copy built here.
    heard_in: int | None


class LocalCopies:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._copies: dict[str, Copy] = {}
        self._last_good: dict[str, Entry] = {}
        self._epoch = 0  # moves on with every purge heard and every (un)subscription
        self._subscription = 0  # moves on with every (un)subscription
        self._heard = 0.0  # time.monotonic() of the last word from Redis
        self._socket: Any = None  # the listener's connection, while it listens

    # The readers' side: the rule.

    def heard(self, key: str) -> Entry | None:
        """The copy Redis served this process, while the listener vouches for it."""
        copy = self._copies.get(key)
        if copy is None or copy.heard_in != self._subscription or not self._current(copy):
            return None
        return copy.entry if self.usable() else None

    def proven(self, key: str) -> Entry | None:
        """Any copy, while its stamp is exactly the newest generation seen: for when Redis
        cannot be used, and so cannot announce purges either."""
        copy = self._copies.get(key)
        if copy is None or not self._current(copy):
            return None
        return copy.entry if copy.entry.generation == generation.newest() else None

    @staticmethod
    def _current(copy: Copy) -> bool:
        entry = copy.entry
        if entry.expires_at is not None and entry.expires_at <= time.time():
            return False
        return generation.is_current(entry.generation)

    def usable(self) -> bool:
        """Whether the listener would have heard a purge published before now."""
        sock = self._socket
        if sock is None or time.monotonic() - self._heard > SILENCE_LIMIT:
            return False
        try:
            unread, _, _ = select.select([sock], [], [], 0)
            # The listener's own pongs, not read yet, are no news: look without taking them.
            return not unread or _only_pongs(sock.recv(256, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except (OSError, ValueError):  # closed meanwhile, or nothing there after all
            return False

    @property
    def epoch(self) -> int:
        return self._epoch

    def remember_served(self, key: str, entry: Entry, epoch: int) -> None:
        """Keep what Redis served, unless a purge was heard since the read began (`epoch`)."""
        with self._lock:
            if epoch == self._epoch and self._socket is not None:
                self._copies[key] = Copy(entry, self._subscription)

    def remember_built(self, key: str, entry: Entry) -> None:
        """Keep what this process built while Redis could not be used (proven copies only)."""
        with self._lock:
            self._copies[key] = Copy(entry, None)

    # The last good payload of each locale.

    def remember_last_good(self, key: str, entry: Entry, everywhere: bool = False) -> None:
        """Remember a payload just built or served under `key` (one per locale: the caller
        names it); `everywhere`: in Redis too, without a TTL."""
        self._last_good[key] = entry
        if everywhere:
            payload_cache.set_without_ttl(key, entry)

    def last_good(self, key: str) -> Entry | None:
        """The newest payload this process or Redis remembers under `key`."""
        kept = [payload_cache.get_without_ttl(key), self._last_good.get(key)]
        return max(filter(None, kept), key=lambda entry: entry.built_at, default=None)

    def forget(self) -> None:
        """Forget everything this process keeps (tests)."""
        with self._lock:
            self._copies.clear()
            self._last_good.clear()

    # The listener's side.

    def drop(self, keys: Sequence[str]) -> None:
        with self._lock:
            self._epoch += 1
            for key in keys:
                self._copies.pop(key, None)

    def listening(self, sock: Any) -> None:
        with self._lock:
            self._epoch += 1
            self._subscription += 1  # whatever was purged while nobody listened: none is heard
            self._socket = sock
        self.heard_from_redis()

    def deaf(self) -> None:
        with self._lock:
            self._epoch += 1
            self._subscription += 1
            self._socket = None

    def heard_from_redis(self) -> None:
        self._heard = time.monotonic()


local_copies = LocalCopies()


def listen(client: Any, stopping: threading.Event) -> None:
    """Listen for purges until `stopping` is set; reconnect after any failure."""
    while not stopping.is_set():
        pubsub = client.pubsub()
        try:
            _listen_once(client, pubsub, stopping)
        except Exception as error:  # Redis gone, frozen, restarted: copies are not trusted
            logger.debug("Purge listener lost Redis: %s", error)
        finally:
            local_copies.deaf()
            with contextlib.suppress(Exception):  # a connection that is gone already
                pubsub.close()
        stopping.wait(PING_EVERY * 4)


def _listen_once(client: Any, pubsub: Any, stopping: threading.Event) -> None:
    pubsub.subscribe(channel())
    confirmed = False
    pinged = 0.0
    while not stopping.is_set():
        now = time.monotonic()
        if confirmed and now - local_copies._heard > SILENCE_LIMIT:
            raise TimeoutError("Redis went silent")
        if now - pinged >= PING_EVERY:
            pubsub.ping()
            pinged = now
        message = pubsub.get_message(timeout=PING_EVERY / 2)
        if message is None:
            continue
        kind = message["type"]
        if kind == "subscribe" and not confirmed:
            confirmed = True
            local_copies.listening(pubsub.connection._sock)
        elif kind == "message":
            purge = json.loads(message["data"])
            local_copies.drop(purge["keys"])
            pipe = client.pipeline(transaction=False)
            pipe.incr(ack_key(purge["ack"]))
            pipe.expire(ack_key(purge["ack"]), 60)
            pipe.execute()
        local_copies.heard_from_redis()


_thread = Background("purge-listener")


def start() -> None:
    """Listen in a daemon thread of this process (once per process), if the cache is Redis."""
    if settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        from django_redis import get_redis_connection

        _thread.start(listen, get_redis_connection("default"), _thread.stopping)


def stop() -> None:
    _thread.stop()
    local_copies.deaf()
