"""The admin pages: accounts and their units, webhooks and their delivery log,
and procedure content (edit, preview, publish)."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from central import audit, webhooks
from central import store as central_store
from central.errors import NotFound
from central.setup import Keys
from central.staff import publishing, store
from central.staff.accounts import ROLE_LABELS, ROLES, AccountRefused, add_account, update_account
from central.staff.pages import FormData, message_page, staff_lang, staff_page, staff_user
from central.tracking import current_catalog
from content.schema import LANGS, Catalog, Procedure
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext


def account_form(form: Any) -> dict[str, Any]:
    """The fields of the account forms (units are ticked boxes: several values)."""
    return {
        "username": (form.get("username") or "").strip(),
        "role": form.get("role") or "",
        "units": list(dict.fromkeys(form.getall("units", []))),
        "password": form.get("password") or None,
    }


def edit_refused(request: Request, exc: publishing.InvalidEdit) -> Template:
    return edit_page(request, exc.procedure, exc.form, exc.errors, status_code=422)


class AdminController(Controller):
    path = "/staff/admin"
    include_in_schema = False
    opt = {"roles": ("admin",)}
    exception_handlers = {publishing.InvalidEdit: edit_refused}

    @get("/users", sync_to_thread=True)
    def users(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Template:
        return users_page(request, database, keys)

    @post("/users")
    async def add_user(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Template | Redirect:
        fields = account_form(await request.form())
        actor = staff_user(request).username
        try:
            await database.write_async(
                lambda db: add_account(
                    db,
                    actor,
                    fields["username"],
                    fields["password"] or "",
                    fields["role"],
                    fields["units"],
                )
            )
        except AccountRefused as exc:
            error = gettext(staff_lang(request), exc.message, **exc.values)
            return users_page(request, database, keys, error=error, status_code=422)
        return Redirect("/staff/admin/users", status_code=303)

    @post("/users/{username:str}")
    async def update_user(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        username: FromPath[str],
    ) -> Template | Redirect:
        form = await request.form()
        fields = account_form(form)
        actor = staff_user(request).username
        try:
            await database.write_async(
                lambda db: update_account(
                    db,
                    actor,
                    username,
                    fields["role"],
                    fields["units"],
                    form.get("enabled") == "on",
                    fields["password"],
                )
            )
        except AccountRefused as exc:
            error = gettext(staff_lang(request), exc.message, **exc.values)
            return users_page(request, database, keys, error=error, status_code=422)
        return Redirect("/staff/admin/users", status_code=303)

    @get("/webhooks", sync_to_thread=True)
    def webhooks_page(self, request: Request, database: NamedDependency[Database]) -> Template:
        """Registered webhooks and the latest deliveries, with their answers."""
        return hooks_page(request, database)

    @post("/webhooks", sync_to_thread=True)
    def add_webhook(
        self, request: Request, database: NamedDependency[Database], data: FormData
    ) -> Template:
        """Register a URL; its HMAC secret is shown this once, to give to its owner."""
        url, actor = data.get("url", "").strip(), staff_user(request).username

        def add(db: sqlite_utils.Database) -> str:
            secret = webhooks.new_webhook(db, url)
            audit.record(db, actor, "webhook.add", url)
            return secret

        try:
            secret = database.write(add)
        except ValueError:
            error = gettext(
                staff_lang(request), N_("«{url}» no es una dirección http(s) válida."), url=url
            )
            return hooks_page(request, database, error=error, status_code=422)
        return hooks_page(request, database, secret=secret, url=url, status_code=201)

    @get("/content", sync_to_thread=True)
    def content(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Template:
        """The procedures, and the bundle kiosks pull now."""
        lang = staff_lang(request)

        def read(db: sqlite_utils.Database) -> tuple[Catalog, dict | None]:
            return current_catalog(db, keys), central_store.latest_bundle(db)

        catalog, bundle = database.read(read)
        return staff_page(
            request,
            "staff/content.html",
            procedures=[(p.code, p.title.get(lang), p.verified_on) for p in catalog.procedures],
            bundle=bundle,
        )

    @get("/content/{code:str}", sync_to_thread=True)
    def edit(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        code: FromPath[str],
    ) -> Template:
        _, procedure = procedure_of(database, keys, code)
        return edit_page(request, procedure, publishing.form_values(procedure), {})

    @post("/content/{code:str}/preview", sync_to_thread=True)
    def preview(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        code: FromPath[str],
        data: FormData,
    ) -> Template:
        """The edited procedure as citizens will read it, with the button to publish."""
        _, procedure = procedure_of(database, keys, code)
        changed = publishing.edited(procedure, data)
        return staff_page(
            request, "staff/content_preview.html", procedure=changed, values=data, langs=LANGS
        )

    @post("/content/{code:str}/publish", sync_to_thread=True)
    def publish(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        code: FromPath[str],
        data: FormData,
    ) -> Template:
        """Sign the catalogue with the edited procedure into the bundle kiosks pull next."""
        catalog, procedure = procedure_of(database, keys, code)
        changed = publishing.edited(procedure, data)
        actor = staff_user(request).username
        version = database.write(
            lambda db: publishing.publish(
                db, keys, publishing.with_procedure(catalog, changed), actor, changed.code
            )
        )
        return message_page(
            request,
            201,
            N_(
                "Publicado: versión {version}. Las ventanillas la recibirán en su próxima sincronización."
            ),
            version=version,
        )


def procedure_of(database: Database, keys: Keys, code: str) -> tuple[Catalog, Procedure]:
    catalog = database.read(lambda db: current_catalog(db, keys))
    procedure = catalog.procedure(code.upper())
    if procedure is None:
        raise NotFound(code)
    return catalog, procedure


def edit_page(
    request: Request,
    procedure: Procedure,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    lang = staff_lang(request)
    return staff_page(
        request,
        "staff/content_edit.html",
        status_code=status_code,
        procedure=procedure,
        values=values,
        errors={field: gettext(lang, message) for field, message in errors.items()},
        langs=LANGS,
        texts=publishing.TEXTS,
        lists=publishing.LISTS,
    )


def users_page(
    request: Request,
    database: Database,
    keys: Keys,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    lang = staff_lang(request)

    def read(db: sqlite_utils.Database) -> tuple[Catalog, list]:
        return current_catalog(db, keys), store.users(db)

    catalog, users = database.read(read)
    return staff_page(
        request,
        "staff/users.html",
        status_code=status_code,
        users=[{**u, "units": (u["units"] or "").split()} for u in users],
        roles=[(role, gettext(lang, ROLE_LABELS[role])) for role in ROLES],
        units=[(unit.code, unit.name.get(lang)) for unit in catalog.units],
        error=error,
    )


def hooks_page(
    request: Request, database: Database, status_code: int = 200, **context: Any
) -> Template:
    def read(db: sqlite_utils.Database) -> tuple[list, list]:
        return central_store.active_webhooks(db), central_store.deliveries(db, limit=100)

    hooks, deliveries = database.read(read)
    return staff_page(
        request,
        "staff/webhooks.html",
        status_code=status_code,
        hooks=[{"id": h["id"], "url": h["url"], "created_at": h["created_at"]} for h in hooks],
        deliveries=deliveries,
        **context,
    )
