"""Who may open a staff page: a session (an opaque cookie), the account behind it
still enabled, and a role the route allows. Login attempts are throttled."""

from __future__ import annotations

import collections
import threading
import time

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from central.staff import store
from central.staff.accounts import StaffUser
from ventanilla.database import Database
from ventanilla.i18n import N_
from ventanilla.sessions import SessionConfig

SESSION_HOURS = 9  # a working day at city hall
SESSION_STORE = "staff-sessions"
MAX_TRACKED = 10_000  # names and addresses with recent failed logins, before pruning


def session_config(secure: bool) -> SessionConfig:
    """Server-side sessions: the cookie holds a random id and nothing else, is never
    readable by scripts, is not sent on cross-site posts, and only over TLS when
    central is served over TLS."""
    return SessionConfig(
        store=SESSION_STORE,
        key="staff-session",
        path="/staff",
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


async def staff_login(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Let in a logged-in, enabled account whose role the route allows (`opt["roles"]`).

    The account is read again on every request, so disabling it or changing its
    role or units takes effect at once. Not logged in: 401 (the login page);
    logged in without the role: 403."""
    username = connection.session.get("staff") if connection.session else None
    if username is None:
        raise NotAuthorizedException(N_("Inicie sesión para continuar."))
    database: Database = connection.app.state.database
    row = await database.read_async(lambda db: store.user(db, username))
    if row is None or row["disabled_at"] is not None:
        connection.clear_session()
        raise NotAuthorizedException(N_("Inicie sesión para continuar."))
    user = StaffUser(username=row["username"], role=row["role"], units=tuple(row["units"]))
    roles = handler.opt.get("roles")
    if roles is not None and user.role not in roles:
        raise PermissionDeniedException(N_("Su cuenta no tiene permiso para ver esta página."))
    connection.state.staff = user


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
