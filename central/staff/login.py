"""Logging in and out of the staff site."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from central import audit
from central.staff import store
from central.staff.pages import FormData, staff_lang, staff_page
from ventanilla import accounts
from ventanilla.accounts import LoginThrottle
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext
from ventanilla.sessions import renew_session_id


class LoginController(Controller):
    path = "/staff"
    include_in_schema = False

    @get("/login", sync_to_thread=False)
    def login_form(self, request: Request) -> Template:
        return staff_page(request, "staff/login.html", error=None, username="")

    @post("/login", sync_to_thread=True)
    def login(
        self,
        request: Request,
        database: NamedDependency[Database],
        login_throttle: NamedDependency[LoginThrottle],
        data: FormData,
    ) -> Response:
        """Check the password (argon2id); a failure waits its turn like any other."""
        lang = staff_lang(request)
        username = data.get("username", "").strip().lower()
        address = request.client.host if request.client else "unknown"
        wait = login_throttle.wait_seconds(username, address)
        if wait:
            error = accounts.wait_message(lang, wait)
            page = staff_page(
                request, "staff/login.html", status_code=429, error=error, username=username
            )
            page.headers["Retry-After"] = str(wait)
            return page
        row = database.read(lambda db: store.user(db, username))
        enabled = row is not None and row["disabled_at"] is None
        stored = row["password_hash"] if enabled else None
        if not accounts.verify_password(stored, data.get("password", "")):
            login_throttle.failed(username, address)
            database.write(lambda db: audit.record(db, username, "staff.login_failed", address))
            error = gettext(lang, N_("Usuario o contraseña incorrectos."))
            return staff_page(
                request, "staff/login.html", status_code=401, error=error, username=username
            )
        login_throttle.succeeded(username)
        database.write(lambda db: audit.record(db, username, "staff.login", address))
        request.set_session({"staff": username, "lang": lang})
        renew_session_id(request)
        home = "/staff/admin/users" if row["role"] == "admin" else "/staff/"
        return Redirect(home, status_code=303)

    @post("/logout", sync_to_thread=True)
    def logout(self, request: Request, database: NamedDependency[Database]) -> Redirect:
        username = request.session.get("staff") if request.session else None
        if username:
            database.write(lambda db: audit.record(db, username, "staff.logout"))
        request.clear_session()
        return Redirect("/staff/login", status_code=303)
