"""The front desk at `/desk`: login, today's submissions, reprint, printer and sync
state, and assisted entry of an application for a citizen."""

from __future__ import annotations

import datetime
import functools
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from content.schema import Catalog
from kiosk import store, submissions
from kiosk.errors import InvalidSubmission, NotFound
from kiosk.outbox import SyncWorker
from kiosk.settings import Settings
from kiosk.submissions import Identity
from kiosk.ui import webforms
from kiosk.ui.citizen import LA_PAZ, local_time
from kiosk.ui.guards import DESK_SESSIONS, desk_login, desk_user
from kiosk.ui.pages import SECURITY_HEADERS, FormData
from printers import queue as print_queue
from printers.backends import printer_status
from printers.queue import PrintWorker
from sync.status import STATUS_LABELS
from ventanilla import accounts
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext
from ventanilla.sessions import renew_session_id

DESK_LANG = "es"  # the staff of a Sub Alcaldía work in Spanish


def desk_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "lang": DESK_LANG,
            "_": functools.partial(gettext, DESK_LANG),
            "user": desk_user(request),
            **context,
        },
    )


def to_login(_: Request, __: NotAuthorizedException) -> Response:
    return Redirect("/desk/login", status_code=303)


def not_found(request: Request, exc: NotFound) -> Template:
    return desk_page(request, "desk/message.html", status_code=404, message=str(exc))


class DeskLoginController(Controller):
    path = "/desk"
    include_in_schema = False
    middleware = [DESK_SESSIONS.middleware]
    response_headers = SECURITY_HEADERS

    @get("/login", sync_to_thread=False)
    def login_form(self, request: Request) -> Template:
        return desk_page(request, "desk/login.html", error=None, username="")

    @post("/login", sync_to_thread=True)
    def login(
        self,
        request: Request,
        database: NamedDependency[Database],
        login_throttle: NamedDependency[accounts.LoginThrottle],
        data: FormData,
    ) -> Response:
        """Check the password (argon2id); after 5 failures a name waits 15 minutes."""
        username = data.get("username", "").strip()
        address = request.client.host if request.client else "unknown"
        wait = login_throttle.wait_seconds(username, address)
        if wait:
            error = accounts.wait_message(DESK_LANG, wait)
            page = desk_page(
                request, "desk/login.html", status_code=429, error=error, username=username
            )
            page.headers["Retry-After"] = str(wait)
            return page
        stored = database.read(lambda db: store.desk_password_hash(db, username))
        if not accounts.verify_password(stored, data.get("password", "")):
            login_throttle.failed(username, address)
            error = gettext(DESK_LANG, N_("Usuario o contraseña incorrectos."))
            return desk_page(
                request, "desk/login.html", status_code=401, error=error, username=username
            )
        login_throttle.succeeded(username)
        request.set_session({"desk_user": username})
        renew_session_id(request)
        return Redirect("/desk", status_code=303)

    @post("/logout", sync_to_thread=False)
    def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect("/desk/login", status_code=303)


class DeskController(Controller):
    path = "/desk"
    include_in_schema = False
    guards = [desk_login]
    middleware = [DESK_SESSIONS.middleware]
    response_headers = SECURITY_HEADERS
    exception_handlers = {NotAuthorizedException: to_login, NotFound: not_found}

    @get("/", sync_to_thread=True)
    def dashboard(
        self,
        request: Request,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        settings: NamedDependency[Settings],
        sync: NamedDependency[SyncWorker],
    ) -> Template:
        """Today's submissions, the printer and its queue, and the link to central."""
        today = datetime.datetime.now(LA_PAZ).replace(hour=0, minute=0, second=0, microsecond=0)
        since = today.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        rows = database.read(lambda db: store.submissions_since(db, since))
        queue = database.read(print_queue.queue_summary)
        uri = settings.printer_uri
        return desk_page(
            request,
            "desk/dashboard.html",
            submissions=[
                {
                    **row,
                    "title": webforms.subject_title(catalog, row["kind"], row["code"], DESK_LANG),
                    "when": local_time(row["submitted_at"]),
                    "status_label": gettext(DESK_LANG, STATUS_LABELS[row["status"]]),
                }
                for row in rows
            ],
            printer={
                "configured": uri is not None,
                "uri": uri,
                "status": printer_status(uri, settings.printer_profile) if uri else "none",
                **queue,
            },
            sync=sync.status(),
        )

    @post("/reprint/{tracking_code:str}", sync_to_thread=True)
    def reprint(
        self,
        request: Request,
        database: NamedDependency[Database],
        printer: NamedDependency[PrintWorker | None],
        tracking_code: FromPath[str],
    ) -> Response:
        """Queue a new print of a receipt, in the name of the desk user."""
        if printer is None:
            message = gettext(DESK_LANG, N_("Esta ventanilla no tiene impresora configurada."))
            return desk_page(request, "desk/message.html", status_code=503, message=message)
        row = database.read(lambda db: submissions.lookup(db, tracking_code))
        user = desk_user(request)
        database.write(lambda db: print_queue.enqueue(db, row["id"], "reprint", user))
        printer.wake()
        return Redirect("/desk", status_code=303)

    @get("/apply", sync_to_thread=False)
    def choose_procedure(self, request: Request, catalog: NamedDependency[Catalog]) -> Template:
        procedures = sorted(
            ((p.code, p.title.get(DESK_LANG)) for p in catalog.procedures), key=lambda p: p[1]
        )
        return desk_page(request, "desk/choose.html", procedures=procedures)

    @get("/apply/{code:str}", sync_to_thread=False)
    def application_form(
        self, request: Request, catalog: NamedDependency[Catalog], code: FromPath[str]
    ) -> Template:
        return assisted_form(request, catalog, code.upper(), None, {})

    @post("/apply/{code:str}")
    async def application_posted(
        self,
        request: Request,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        printer: NamedDependency[PrintWorker | None],
        sync: NamedDependency[SyncWorker],
        code: FromPath[str],
        data: FormData,
    ) -> Response:
        """File an application for a citizen at the counter; its receipt prints as usual."""
        code = code.upper()
        form = webforms.form_of(catalog, "application", code)
        if form is None:
            raise NotFound(gettext(DESK_LANG, N_("No existe el trámite «{code}»."), code=code))
        draft = webforms.draft_from_post("application", code, data, form)
        payload = webforms.payload(draft, DESK_LANG)
        try:
            result, _ = await submissions.accept(
                database, identity, catalog, payload, None, printer
            )
        except InvalidSubmission as exc:
            return assisted_form(request, catalog, code, draft, exc.errors, status_code=422)
        sync.wake()
        return desk_page(
            request,
            "desk/filed.html",
            accepted=msgspec.to_builtins(result),
            title=webforms.subject_title(catalog, "application", code, DESK_LANG),
        )


def assisted_form(
    request: Request,
    catalog: Catalog,
    code: str,
    draft: dict | None,
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    form = webforms.form_of(catalog, "application", code)
    if form is None:
        raise NotFound(gettext(DESK_LANG, N_("No existe el trámite «{code}»."), code=code))
    return desk_page(
        request,
        "desk/form.html",
        status_code=status_code,
        title=webforms.subject_title(catalog, "application", code, DESK_LANG),
        action=f"/desk/apply/{code}",
        fields=webforms.widgets(form, draft, errors, DESK_LANG),
        applicant=webforms.applicant_widgets("application", draft, errors, DESK_LANG),
        errors=errors,
    )
