"""Hits without a round trip: each app process keeps the whole payloads Redis served it, and
forgets them the moment a purge says so.

Every purge publishes the keys it purged on a channel, in the same Redis transaction
(cms.delivery.stores). A listener thread in each app process (started with each gunicorn
worker) drops its copies of those keys and acknowledges; the purge waits for every
acknowledgement, up to ACK_WAIT, before it returns. A reader uses a copy only while:

- its process's listener is subscribed and heard from Redis within SILENCE_LIMIT (it pings
  every PING_EVERY): a frozen or unreachable Redis takes its copies away before a purge that
  cannot reach Redis can fail, since that takes a socket timeout (longer, checked below);
- nothing is waiting on the listener's connection unread (a purge just published, a dead
  connection): then the reader asks Redis, as without copies;
- no purge was heard between its read from Redis and keeping the copy (an epoch).

Without a listener (the tests, management commands, the local-memory quick start) no copy is
ever kept and every hit is one round trip, as before.
"""

import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from .background import Background
from .stores import Entry, ack_key, channel

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


class LocalCopies:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._copies: dict[str, Entry] = {}
        self._epoch = 0
        self._heard = 0.0  # time.monotonic() of the last word from Redis
        self._socket: Any = None  # the listener's connection, while it listens

    # The reader's side.

    def usable(self) -> bool:
        sock = self._socket
        if sock is None or time.monotonic() - self._heard > SILENCE_LIMIT:
            return False
        try:
            unread, _, _ = select.select([sock], [], [], 0)
            # The listener's own pongs, not read yet, are no news: look without taking them.
            return not unread or _only_pongs(sock.recv(256, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except (OSError, ValueError):  # closed meanwhile, or nothing there after all
            return False

    def get(self, key: str) -> Entry | None:
        entry = self._copies.get(key)
        if entry is None or not self.usable():
            return None
        if entry.expires_at is not None and entry.expires_at <= time.time():
            return None
        return entry

    @property
    def epoch(self) -> int:
        return self._epoch

    def keep(self, key: str, entry: Entry, epoch: int) -> None:
        """Keep what Redis served, unless a purge was heard since the read began (`epoch`)."""
        with self._lock:
            if epoch == self._epoch and self._socket is not None:
                self._copies[key] = entry

    # The listener's side.

    def drop(self, keys: Sequence[str]) -> None:
        with self._lock:
            self._epoch += 1
            for key in keys:
                self._copies.pop(key, None)

    def listening(self, sock: Any) -> None:
        with self._lock:
            self._epoch += 1
            self._copies.clear()  # whatever was purged while nobody listened
            self._socket = sock
        self.heard()

    def deaf(self) -> None:
        with self._lock:
            self._epoch += 1
            self._copies.clear()
            self._socket = None

    def heard(self) -> None:
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
        local_copies.heard()


_thread = Background("purge-listener")


def start() -> None:
    """Listen in a daemon thread of this process (once per process), if the cache is Redis."""
    if settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        from django_redis import get_redis_connection

        _thread.start(listen, get_redis_connection("default"), _thread.stopping)


def stop() -> None:
    _thread.stop()
    local_copies.deaf()
