"""Who may do what: front-desk actions need a desk login (a server-side session)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from ventanilla.sessions import SessionConfig

SESSION_HOURS = 10  # one working day

# Server-side sessions (an opaque HttpOnly, SameSite=Lax cookie), layered on the desk
# routes only: the citizen screens never carry a session cookie.
DESK_SESSIONS = SessionConfig(
    store="desk-sessions",
    key="desk-session",
    max_age=SESSION_HOURS * 3600,
    httponly=True,
    samesite="lax",
)


def desk_user(connection: ASGIConnection) -> str | None:
    """The desk account logged in on this connection, if any."""
    return connection.session.get("desk_user") if connection.session else None


def desk_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """401 unless a desk account is logged in (see `ventanilla kiosk user add`)."""
    if desk_user(connection) is None:
        raise NotAuthorizedException("A front-desk login is needed (log in at /desk).")
