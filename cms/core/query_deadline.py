"""In an app server, every wait for PostgreSQL ends within a deadline, whatever the database
does, so a frozen database costs a request seconds, not its worker.

A query on an open connection has no bound of its own: libpq waits for the answer for ever.
TCP keepalives and `tcp_user_timeout` do not help when the database's host is up and PostgreSQL
is not answering (stopped, swapping, stuck): the kernel still acknowledges every byte. So app
servers wait for PostgreSQL through psycopg2's wait callback (the hook green-thread libraries
use), which gives up after the deadline: it shuts the connection's socket, libpq reports the
connection lost (an OperationalError, answered 503 by cms.api.guard and /health/), and Django
opens a new connection for the next request. Connecting is bounded the same way.

The database is also asked to cancel any statement that runs longer than CMS_DB_QUERY_TIMEOUT
(`statement_timeout`), so a slow query on a live database ends cleanly, its connection still
usable, a second before the deadline would sever it.

Once a deadline has passed, the process stops waiting for the database for a moment: every
wait fails at once until a single one, let through alone, gets its answer (a breaker). Without
it every database-bound request would hold its worker for the whole deadline, and the website
data the worker answers from the cache would queue behind it.

A deadline of seconds is still seconds of a sync worker held, and a cached read queued behind
it. So app servers also have a heartbeat: the thread that reads the content generation every
half second anyway (cms.cache.generation) does it inside `heartbeat()`, where a wait has
HEARTBEAT_SECONDS, not the deadline: a one-row read by primary key that takes that long means
the database is not answering. A heartbeat that misses opens the breaker and ends every wait
in progress at once; while it beats, only the heartbeat tries the database again, so no request
ever waits out a trial, and its first answer closes the breaker.

Only app servers install this (config/gunicorn.conf.py): `migrate` and the worker may run long
statements, and nobody waits on them.
"""

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, NoReturn

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from django.db import connections

Connection = Any  # psycopg2's connection (psycopg2 has no type hints)

# How much longer than the statement timeout the client waits: the server's own cancellation
# comes first when the server is alive.
MARGIN_SECONDS = 1.0
# How long a passed deadline makes the process fail database waits at once: doubled by each
# try that times out again, up to LONGEST_PAUSE_SECONDS (a try holds a sync worker for the
# whole deadline), back to the first once the database answers.
PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 4.0
# How long a heartbeat waits (a connection, then a one-row read by primary key; milliseconds on
# a live database, even a busy one), and how long after one a process still counts on the next.
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_TRUSTED_SECONDS = 3.0
# How often a wait looks whether the breaker opened meanwhile (another wait found the database
# silent): a request then ends at once instead of at its own deadline.
GLANCE_SECONDS = 0.05


class Breaker:
    """Closed while the database answers; open (every wait fails at once) for a pause after a
    deadline passed; then one wait at a time, a trial, is let through to try: the heartbeat
    while it beats, else any wait.

    Only the trial's own end (an answer, a deadline, a lost connection) ends it; a trial that
    never reports back (its thread killed) is given up after the deadline and a second.
    `openings` counts the times it opened: a wait that sees it change gives up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed
        self._trial: int | None = None  # the thread trying the database, while half-open
        self._trial_started = 0.0
        self._pause = PAUSE_SECONDS
        self._beat_at = -HEARTBEAT_TRUSTED_SECONDS  # when the heartbeat last tried
        self.openings = 0

    def admits(self, heartbeat: bool = False) -> bool:
        if heartbeat:  # the heartbeat always tries: it is how the breaker learns of an answer
            self._beat_at = time.monotonic()
            return True
        if not self._open_until:  # the usual case: no lock
            return True
        with self._lock:
            now = time.monotonic()
            if now - self._beat_at < HEARTBEAT_TRUSTED_SECONDS:
                return False  # the heartbeat will find the database back: no request waits
            trying = self._trial is not None and now - self._trial_started < _trial_seconds()
            if trying or now < self._open_until:
                return False
            self._trial, self._trial_started = threading.get_ident(), now
            return True

    def answered(self) -> None:
        if self._open_until:
            with self._lock:
                self._open_until, self._trial, self._pause = 0.0, None, PAUSE_SECONDS

    def timed_out(self) -> None:
        """A wait ran out its deadline, or the trial lost its connection: open (again)."""
        with self._lock:
            if self._open_until:  # it was open already: a try failed again
                self._pause = min(self._pause * 2, LONGEST_PAUSE_SECONDS)
            self._open_until = time.monotonic() + self._pause
            self.openings += 1
            if self._trial == threading.get_ident():
                self._trial = None

    def lost_connection(self) -> None:
        """A wait's connection failed before any deadline (refused, reset, the database
        starting up): the trial has failed; an ordinary wait changes nothing."""
        if self._trial == threading.get_ident():
            self.timed_out()


def _trial_seconds() -> float:
    return _deadline_seconds + MARGIN_SECONDS


breaker = Breaker()
_deadline_seconds = 0.0
_beating = threading.local()  # .on: this thread's waits are the heartbeat's


@contextlib.contextmanager
def heartbeat() -> Iterator[None]:
    """The database waits of the code inside are this process's heartbeat (see above)."""
    _beating.on = True
    try:
        yield
    finally:
        _beating.on = False


def _sever(conn: Connection) -> None:
    """Shut the connection's socket: libpq's next read finds it closed and raises."""
    duplicate = socket.fromfd(conn.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    with duplicate, contextlib.suppress(OSError):  # OSError: already closed
        duplicate.shutdown(socket.SHUT_RDWR)


def wait(conn: Connection) -> None:
    """psycopg2's wait callback: drive `conn` until its operation is done, within the deadline."""
    beating = getattr(_beating, "on", False)
    if not breaker.admits(beating):  # the database is not answering: fail at once
        _sever(conn)
        _finish_severed(conn)
    openings = breaker.openings
    deadline = time.monotonic() + (HEARTBEAT_SECONDS if beating else _deadline_seconds)
    while True:
        try:
            state = conn.poll()
        except psycopg2.errors.QueryCanceled:  # statement_timeout: the server is alive
            breaker.answered()
            raise
        except psycopg2.OperationalError:
            breaker.lost_connection()
            raise
        except psycopg2.Error:  # the database answered, if only with an error
            breaker.answered()
            raise
        if state == psycopg2.extensions.POLL_OK:
            breaker.answered()
            return
        left = deadline - time.monotonic()
        if left <= 0 or breaker.openings != openings:  # silent, here or in another wait
            if left <= 0:
                breaker.timed_out()
            _sever(conn)
            _finish_severed(conn)
        # poll(), not select(): a descriptor above 1024 (a busy threaded worker) is fine.
        poller = select.poll()
        reading = state == psycopg2.extensions.POLL_READ
        poller.register(conn.fileno(), select.POLLIN if reading else select.POLLOUT)
        poller.poll(min(left, GLANCE_SECONDS) * 1000)


def _finish_severed(conn: Connection) -> NoReturn:
    """libpq raises the connection lost on its next poll; it raises it here in any case."""
    conn.poll()
    raise psycopg2.OperationalError("The database did not answer in time.")


def install(query_timeout: float) -> None:
    """Bound every statement of this process's PostgreSQL connections by `query_timeout`
    seconds on the server, and every wait for the database by a second more on this side."""
    global _deadline_seconds
    database = connections.settings["default"]
    if "postgresql" not in database["ENGINE"] or query_timeout <= 0:
        return
    options = database.setdefault("OPTIONS", {})
    statement_timeout = f"-c statement_timeout={round(query_timeout * 1000)}"
    options["options"] = f"{options.get('options', '')} {statement_timeout}".strip()
    _deadline_seconds = query_timeout + MARGIN_SECONDS
    psycopg2.extensions.set_wait_callback(wait)
