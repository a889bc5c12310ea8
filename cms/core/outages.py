"""Logging an outage of a dependency (Redis, the database) as an operator wants to read it:
one warning when it starts, at most one a minute while it lasts with how many failures were
not logged, and one line when it is over; never a traceback per request."""

import logging
import threading
import time

OUTAGE_LOG_INTERVAL = 60  # seconds between two warnings about the same outage


class OutageLog:
    def __init__(self, logger: logging.Logger, what: str) -> None:
        self.logger = logger
        self.what = what
        self._lock = threading.Lock()
        self._down = False
        self._last_warning = 0.0
        self._suppressed = 0

    def failed(self, error: BaseException, consequence: str) -> None:
        with self._lock:
            now = time.monotonic()
            if self._down and now - self._last_warning < OUTAGE_LOG_INTERVAL:
                self._suppressed += 1
                return
            more = f" ({self._suppressed} more failures since)" if self._suppressed else ""
            self._down, self._last_warning, self._suppressed = True, now, 0
        self.logger.warning("%s unavailable, %s: %s%s", self.what, consequence, error, more)

    def recovered(self, detail: str = "") -> None:
        with self._lock:
            if not self._down:
                return
            self._down, self._suppressed = False, 0
        self.logger.warning("%s is back%s", self.what, f": {detail}" if detail else "")
