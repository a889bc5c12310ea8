"""A daemon thread per process that runs until it is told to stop (the tests stop it; in a
gunicorn worker it simply ends with the process)."""

import threading
from collections.abc import Callable
from typing import Any


class Background:
    def __init__(self, name: str) -> None:
        self.name = name
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, target: Callable[..., Any], *args: Any) -> None:
        """Run `target(*args)` in the thread, unless it runs already."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.stopping.clear()
        self._thread = threading.Thread(target=target, args=args, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(5)
