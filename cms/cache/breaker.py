"""A circuit breaker in front of Redis, shared by every thread of the process and by every
user of the Redis connection pool: this project's cache layer and Wagtail's own caching (site
root paths, renditions) alike.

When a Redis call fails or times out, the breaker opens: for a while every call fails at once
instead of waiting out its socket timeout, so a frozen or dead Redis costs a request
microseconds, not half a second per call. After the pause one call may try again (the breaker is
half-open); if it fails, the pause doubles, up to a ceiling; when it succeeds, the breaker
closes. Django's cache then treats the failures as misses (IGNORE_EXCEPTIONS) and the payload
cache serves from the database (cms.cache.engine).
"""

import threading
import time
from typing import Any
from urllib.parse import urlsplit

from django_redis.pool import ConnectionFactory
from redis.connection import (
    AbstractConnection,
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

FIRST_PAUSE = 0.5  # seconds the breaker stays open after a first failure
LONGEST_PAUSE = 8.0  # the pause doubles on each failed retry, up to this
PROBE_TIMEOUT = 5.0  # a probe that never reported back is given up after this


class CircuitOpen(RedisConnectionError):
    """Redis failed a moment ago: not tried again yet."""


class CircuitBreaker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.open_until = 0.0
        self.pause = FIRST_PAUSE
        self.failures = 0
        self._prober: int | None = None  # the thread trying Redis again, while half-open
        self._probe_started = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def before_call(self) -> None:
        """Raise CircuitOpen unless this call may go to Redis (closed, or the one probe)."""
        if not self.failures:
            return
        me = threading.get_ident()
        with self._lock:
            if self._prober == me:
                return  # the probe's own calls (connecting, authenticating)
            now = time.monotonic()
            probing = self._prober is not None and now - self._probe_started < PROBE_TIMEOUT
            if now < self.open_until or probing:
                raise CircuitOpen("Redis is unavailable (circuit open)")
            self._prober, self._probe_started = me, now  # half-open: this thread tries again

    def succeeded(self) -> None:
        if self.failures:
            with self._lock:
                self.reset()

    def failed(self) -> None:
        with self._lock:
            if self.failures:
                self.pause = min(self.pause * 2, LONGEST_PAUSE)
            self.failures += 1
            self.open_until = time.monotonic() + self.pause
            self._prober = None


breaker = CircuitBreaker()

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class _AsksTheBreaker(AbstractConnection):
    """What makes a Redis connection ask the breaker before every call and tell it how it
    went; mixed into each of redis-py's connection kinds (TCP, TLS, Unix socket)."""

    def connect(self) -> None:
        breaker.before_call()
        try:
            super().connect()  # type: ignore[no-untyped-call]
        except CircuitOpen:
            raise
        except _FAILURES:
            breaker.failed()
            raise

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        breaker.before_call()
        try:
            super().send_packed_command(command, check_health)  # type: ignore[no-untyped-call]
        except CircuitOpen:
            raise
        except _FAILURES:
            breaker.failed()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().read_response(*args, **kwargs)
        except _FAILURES:
            breaker.failed()
            raise
        except Exception:
            breaker.succeeded()  # Redis answered, if only with an error
            raise
        breaker.succeeded()
        return response


class BreakerConnection(_AsksTheBreaker, Connection):
    """redis:// with the breaker."""


class BreakerSSLConnection(_AsksTheBreaker, SSLConnection):
    """rediss:// (TLS, with its ssl_* URL options) with the breaker."""


class BreakerUnixConnection(_AsksTheBreaker, UnixDomainSocketConnection):
    """unix:// with the breaker."""


# The connection kind redis-py would choose for each URL scheme, with the breaker.
CONNECTION_CLASSES = {"rediss": BreakerSSLConnection, "unix": BreakerUnixConnection}


class BreakerConnectionFactory(ConnectionFactory):
    """django-redis's connection factory, with the breaker in every connection; the URL's
    scheme still chooses the kind (a class of our own for every URL had rediss:// sent in
    plain TCP, and its ssl_* options a TypeError)."""

    def get_connection_pool(self, params: dict[str, Any]) -> Any:
        scheme = urlsplit(params["url"]).scheme
        connection_class = CONNECTION_CLASSES.get(scheme, BreakerConnection)
        return super().get_connection_pool({**params, "connection_class": connection_class})
