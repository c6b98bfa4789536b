"""Who may open a staff page: a session (an opaque cookie), the account behind it
still enabled, and a role the route allows."""

from __future__ import annotations

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
