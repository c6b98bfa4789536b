"""Short-lived server-side memory for one screen's work in progress.

A citizen's answers never travel in a GET URL, a cookie or browser storage: a
POST puts them here under a random handle and redirects to a page that names
only the handle. The idle reset drops the handles of the page it leaves, and
anything left behind expires by itself.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any


class Scratch:
    """A thread-safe dict of handle -> value, each entry expiring `ttl` seconds after its last use."""

    def __init__(self, ttl: float = 15 * 60, max_entries: int = 500):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def put(self, value: dict[str, Any], handle: str | None = None) -> str:
        """Store `value` (under `handle`, if still known, else a new one); return the handle."""
        with self._lock:
            self._expire()
            if handle is None or handle not in self._entries:
                handle = secrets.token_urlsafe(16)
            self._entries[handle] = (time.monotonic() + self.ttl, value)
            while len(self._entries) > self.max_entries:  # oldest first: dicts keep order
                self._entries.pop(next(iter(self._entries)))
            return handle

    def get(self, handle: str | None, kind: str) -> dict[str, Any] | None:
        """The value under `handle` if it is of `kind` and has not expired."""
        if not handle:
            return None
        with self._lock:
            self._expire()
            entry = self._entries.get(handle)
            if entry is None or entry[1].get("kind") != kind:
                return None
            self._entries[handle] = (time.monotonic() + self.ttl, entry[1])
            return entry[1]

    def drop(self, *handles: str) -> None:
        with self._lock:
            for handle in handles:
                self._entries.pop(handle, None)

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._entries)

    def _expire(self) -> None:
        now = time.monotonic()
        for handle in [h for h, (deadline, _) in self._entries.items() if deadline < now]:
            del self._entries[handle]
