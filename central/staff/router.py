"""`staff_router(secure, csrf_secret)`: the staff site, mounted by central's app."""

from __future__ import annotations

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware

from central.pages import SECURITY_HEADERS
from central.staff.admin import AdminController
from central.staff.cases import CasesController
from central.staff.guards import session_config, staff_login
from central.staff.login import LoginController
from central.staff.pages import EXCEPTION_HANDLERS


def staff_router(secure: bool, csrf_secret: str) -> Router:
    """Login pages, and behind them (a session and a role) the case and admin pages.

    Every staff form carries a CSRF token. The middleware (and its cookie) is on
    these routes only: kiosks, Open311 clients and citizens' phones never see it."""
    csrf = CSRFConfig(
        secret=csrf_secret,
        cookie_path="/staff",
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=secure,
    )
    return Router(
        path="/",
        route_handlers=[
            LoginController,
            Router(
                path="/", route_handlers=[CasesController, AdminController], guards=[staff_login]
            ),
        ],
        middleware=[
            session_config(secure).middleware,
            DefineMiddleware(CSRFMiddleware, config=csrf),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        response_headers=SECURITY_HEADERS,
        include_in_schema=False,
    )
