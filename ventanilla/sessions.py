"""Server-side sessions whose id changes at login.

Litestar keeps the session id a browser already holds. An id planted in a
browser before its owner logs in (session fixation: the attacker got it by
opening the login page) would then carry the login. `renew_session_id(request)`
makes this response store the session under a fresh random id instead.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)

_RENEW, _RENEWED = "ventanilla.renew_session_id", "ventanilla.renewed_session_id"


class _RenewingBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        state = connection.scope.setdefault("state", {})
        if state.pop(_RENEW, False):
            state[_RENEWED] = self.generate_session_id()
        return state.get(_RENEWED) or super().get_session_id(connection)


class SessionConfig(ServerSideSessionConfig):
    """`ServerSideSessionConfig` that honours `renew_session_id`."""

    _backend_class = _RenewingBackend


def renew_session_id(connection: ASGIConnection) -> None:
    """Store this connection's session under a new id (call it when someone logs in)."""
    connection.scope.setdefault("state", {})[_RENEW] = True
