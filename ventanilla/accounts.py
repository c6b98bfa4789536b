"""Staff accounts (front desk and central): argon2id password hashes, throttled
logins, and the secret that signs a site's CSRF tokens."""

from __future__ import annotations

import collections
import os
import secrets
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ventanilla.i18n import N_, gettext

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real
# check, so timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("no such user")
MIN_PASSWORD = 8
MAX_TRACKED = 10_000  # names and addresses with recent failed logins, before pruning


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def ui_secret(data_dir: Path) -> str:
    """The CSRF secret of this site, made once and kept (0600) beside its database,
    so a restart does not turn every open form into an error."""
    path = data_dir / "ui-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def wait_message(lang: str, seconds: int) -> str:
    """What a login page tells someone the throttle makes wait `seconds`."""
    return gettext(
        lang,
        N_("Demasiados intentos fallidos. Vuelva a intentar en {minutes} minutos."),
        minutes=-(-seconds // 60),
    )


class LoginThrottle:
    """At most `per_user` failed logins per username, and `per_address` per client
    address, in any `window` seconds; then that name or address waits.

    Counted for unknown usernames too, so the answer tells nothing about which exist."""

    def __init__(self, per_user: int = 5, per_address: int = 20, window: float = 900.0) -> None:
        self.limits = {"user": per_user, "address": per_address}
        self.window = window
        self._failures: dict[tuple[str, str], collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str) -> list[tuple[str, str]]:
        return [("user", username.casefold()), ("address", address)]

    def wait_seconds(self, username: str, address: str) -> int:
        """0 if a login may be tried now, else how many seconds until it may."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in self._keys(username, address):
                failures = self._failures.get(key)
                if not failures:
                    continue
                while failures and failures[0] <= now - self.window:
                    failures.popleft()
                if len(failures) >= self.limits[key[0]]:
                    wait = max(wait, failures[0] + self.window - now)
        return int(wait) + (1 if wait else 0)

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > MAX_TRACKED:
                # Someone trying many names: forget the failures that no longer count.
                self._failures = {
                    key: times
                    for key, times in self._failures.items()
                    if times and times[-1] > now - self.window
                }
            for key in self._keys(username, address):
                self._failures.setdefault(key, collections.deque()).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username.casefold()), None)
