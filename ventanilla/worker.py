"""A background thread that works in rounds: the shape of the print and sync workers."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Worker:
    """Runs `run_once()` in a daemon thread, sleeping the seconds it returns in between.

    `wake()` cuts a sleep short (new work arrived); `stop()` ends the thread after
    the current round. A round that raises is logged and retried after
    `error_delay`, so one bad round never kills the thread.
    """

    name = "worker"
    error_delay = 15.0

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> float:
        """Do one round of work; return how many seconds to sleep before the next."""
        raise NotImplementedError

    def start(self) -> Worker:
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 60.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def wake(self) -> None:
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.run_once()
            except Exception:
                log.exception("%s: round failed", self.name)
                delay = self.error_delay
            self._wake.wait(timeout=delay)
            self._wake.clear()
