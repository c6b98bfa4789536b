"""The case pages: the inbox, one submission (its personal data opened on request
and audited), status changes, routing to a unit, bulk changes and exports."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import msgspec
import sqlite_utils
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from msgspec import Meta

from central import audit
from central.errors import NotFound
from central.setup import Keys
from central.staff import inbox, store
from central.staff.accounts import CASE_ROLES, StaffUser
from central.staff.pages import FormData, InvalidForm, staff_lang, staff_page, staff_user
from central.status import change_status
from central.tracking import current_catalog, opened_by
from content.localize import complaint_form
from content.schema import UNIT_CODES, Catalog
from sync import chain, codes, sealing
from sync.messages import PersonalData, Status
from sync.status import STATUS_LABELS, TRANSITIONS, can_change
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext

log = logging.getLogger(__name__)

BULK_LIMIT = 200
NOTE = Annotated[str, Meta(min_length=1, max_length=2000)]


class StatusForm(msgspec.Struct, kw_only=True):
    """A status change as the detail page and the bulk form send it."""

    status: Status
    public_note: NOTE
    internal_note: Annotated[str, Meta(max_length=4000)] | None = None


def status_form(data: dict[str, str], lang: str) -> StatusForm:
    given = {key: value.strip() for key, value in data.items() if isinstance(value, str)}
    if not given.get("public_note"):
        raise InvalidForm(
            gettext(lang, N_("Escriba una nota pública: es lo que el ciudadano verá."))
        )
    try:
        return msgspec.convert(
            {k: v for k, v in given.items() if v and k in StatusForm.__struct_fields__},
            StatusForm,
        )
    except msgspec.ValidationError as exc:
        raise InvalidForm(
            gettext(lang, N_("El formulario no es válido: {error}"), error=exc)
        ) from None


def load_case(db: sqlite_utils.Database, user: StaffUser, typed_code: str) -> dict[str, Any]:
    """The submission behind a typed code, if this user may see it (else 403)."""
    try:
        code = codes.parse_code(typed_code)
    except codes.InvalidCode:
        raise NotFound(typed_code) from None
    row = store.case(db, code)
    if row is None:
        raise NotFound(code)
    if not user.can_see(row):
        raise PermissionDeniedException(N_("Este trámite está asignado a otra unidad."))
    return row


def open_personal(
    db: sqlite_utils.Database, keys: Keys, user: StaffUser, typed_code: str
) -> tuple[dict[str, Any], PersonalData | None]:
    """A submission and its unsealed personal data; the view is audited (a writer task),
    and the citizen sees on the tracking page that the unit opened it."""
    row = load_case(db, user, typed_code)
    if row["sealed"] is None:
        return row, None
    personal = chain.read_personal(
        sealing.unseal(keys.sealing_key, row["sealed"], row["id"].encode())
    )
    audit.record(
        db,
        user.username,
        "personal.view",
        row["tracking_code"],
        role=user.role,
        unit=row["assigned_unit"] if user.role == "reviewer" else None,
    )
    return row, personal


def field_labels(catalog: Catalog, kind: str, code: str, lang: str) -> dict[str, str]:
    if kind == "application":
        procedure = catalog.procedure(code)
        form = procedure.form if procedure else []
    else:
        category = catalog.complaint(code)
        form = complaint_form(category) if category else []
    return {field.name: field.label.get(lang) for field in form}


def unit_names(catalog: Catalog, lang: str) -> dict[str, str]:
    return {unit.code: unit.name.get(lang) for unit in catalog.units}


def describe(row: dict[str, Any], catalog: Catalog, lang: str) -> dict[str, Any]:
    """A submission as the staff pages show it."""
    return {
        **row,
        "title": inbox.title(catalog, row["kind"], row["code"], lang),
        "unit_name": unit_names(catalog, lang).get(row["assigned_unit"], row["assigned_unit"]),
        "status_label": gettext(lang, STATUS_LABELS[row["status"]]),
        "office": row["office"] or row["kiosk"],
    }


class CasesController(Controller):
    path = "/staff"
    include_in_schema = False
    opt = {"roles": CASE_ROLES}

    @get("/", sync_to_thread=True)
    def inbox_page(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Template:
        """Submissions this user may see, filtered, searched and paged; newest first."""
        user, lang = staff_user(request), staff_lang(request)
        query = inbox.parse_query(dict(request.query_params.items()))
        filters = inbox.store_filters(query)
        offset = (query.page - 1) * inbox.PAGE_SIZE

        def read(db: sqlite_utils.Database) -> tuple[Catalog, list, int, list[str]]:
            rows, total = store.inbox(db, filters, user.visible_units(), inbox.PAGE_SIZE, offset)
            return current_catalog(db, keys), rows, total, store.offices(db)

        catalog, rows, total, offices = database.read(read)
        pages = max(1, -(-total // inbox.PAGE_SIZE))
        return staff_page(
            request,
            "staff/inbox.html",
            rows=[describe(row, catalog, lang) for row in rows],
            total=total,
            filters=query,
            page=query.page,
            pages=pages,
            link=lambda **changes: "?" + inbox.query_string(query, **changes),
            back=inbox.query_string(query),
            statuses=[(s, gettext(lang, label)) for s, label in STATUS_LABELS.items()],
            subjects=[(p.code, p.title.get(lang)) for p in catalog.procedures]
            + [(c.code, c.title.get(lang)) for c in catalog.complaints],
            units=[
                (code, name)
                for code, name in unit_names(catalog, lang).items()
                if user.visible_units() is None or code in user.visible_units()
            ],
            offices=offices,
        )

    @get("/export.csv", sync_to_thread=True)
    def export_csv(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Response:
        """The filtered list (every page) as CSV: one column per field, cells neutralised."""
        return export(request, database, keys, "csv")

    @get("/export.json", sync_to_thread=True)
    def export_json(
        self, request: Request, database: NamedDependency[Database], keys: NamedDependency[Keys]
    ) -> Response:
        """The filtered list (every page) as JSON."""
        return export(request, database, keys, "json")

    @get("/cases/{tracking_code:str}", sync_to_thread=True)
    def case(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        tracking_code: FromPath[str],
    ) -> Template:
        """One submission: its fields, history and the forms to act on it; its
        personal data stays sealed until asked for (see `case_personal`)."""
        user = staff_user(request)
        row = database.read(lambda db: load_case(db, user, tracking_code))
        return case_page(request, database, keys, row, None)

    @get("/cases/{tracking_code:str}/personal", sync_to_thread=True)
    def case_personal(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        tracking_code: FromPath[str],
    ) -> Template:
        """The same page with the personal data unsealed; the view is audited."""
        user = staff_user(request)
        try:
            row, personal = database.write(lambda db: open_personal(db, keys, user, tracking_code))
        except sealing.SealError:
            log.error("personal data of %s does not open with central's key", tracking_code)
            raise InvalidForm(
                gettext(staff_lang(request), N_("Los datos personales no se pueden abrir."))
            ) from None
        return case_page(request, database, keys, row, personal or PersonalData())

    @post("/cases/{tracking_code:str}/status", sync_to_thread=True)
    def change(
        self,
        request: Request,
        database: NamedDependency[Database],
        tracking_code: FromPath[str],
        data: FormData,
    ) -> Redirect:
        """Move a submission along the workflow with a public (and internal) note."""
        user, lang = staff_user(request), staff_lang(request)
        form = status_form(data, lang)

        def change(db: sqlite_utils.Database) -> str:
            row = load_case(db, user, tracking_code)
            refuse_jump(row, form.status, lang)
            change_status(
                db, row["tracking_code"], form.status, form.public_note,
                form.internal_note, user.username,
            )  # fmt: skip
            return row["tracking_code"]

        code = database.write(change)
        return Redirect(f"/staff/cases/{code}", status_code=303)

    @post("/cases/{tracking_code:str}/unit", sync_to_thread=True, opt={"roles": ("supervisor",)})
    def route(
        self,
        request: Request,
        database: NamedDependency[Database],
        tracking_code: FromPath[str],
        data: FormData,
    ) -> Redirect:
        """Reassign a submission to another unit (supervisors)."""
        user, unit = staff_user(request), data.get("unit", "")
        if unit not in UNIT_CODES:
            raise InvalidForm(
                gettext(staff_lang(request), N_("No existe la unidad «{unit}»."), unit=unit)
            )

        def route(db: sqlite_utils.Database) -> str:
            row = load_case(db, user, tracking_code)
            store.assign(db, row["id"], unit)
            audit.record(
                db, user.username, "submission.route", row["tracking_code"],
                before=row["assigned_unit"], after=unit,
            )  # fmt: skip
            return row["tracking_code"]

        code = database.write(route)
        return Redirect(f"/staff/cases/{code}", status_code=303)

    @post("/bulk")
    async def bulk(self, request: Request, database: NamedDependency[Database]) -> Redirect:
        """One status change for every ticked submission: all of them, or (if one
        cannot take it) none, with a page naming those that cannot."""
        user, lang = staff_user(request), staff_lang(request)
        form_data = await request.form()
        ticked = list(dict.fromkeys(form_data.getall("codes", [])))
        if not ticked:
            raise InvalidForm(gettext(lang, N_("Marque al menos un trámite.")))
        if len(ticked) > BULK_LIMIT:
            raise InvalidForm(gettext(lang, N_("Como máximo {n} trámites a la vez."), n=BULK_LIMIT))
        form = status_form(
            {key: form_data.get(key) for key in ("status", "public_note", "internal_note")}, lang
        )

        def change_all(db: sqlite_utils.Database) -> None:
            rows = [load_case(db, user, code) for code in ticked]
            for row in rows:
                refuse_jump(row, form.status, lang)
            for row in rows:
                change_status(
                    db, row["tracking_code"], form.status, form.public_note,
                    form.internal_note, user.username,
                )  # fmt: skip

        await database.write_async(change_all)
        # Only the inbox's own query string comes back: the redirect stays on this page.
        back = inbox.query_string(inbox.parse_query(dict(request.query_params.items())))
        return Redirect(f"/staff/?{back}" if back else "/staff/", status_code=303)


def export(request: Request, database: Database, keys: Keys, fmt: str) -> Response:
    """The filtered list with the submissions' fields and without personal data;
    each export is audited."""
    user = staff_user(request)
    query = inbox.parse_query(dict(request.query_params.items()))
    filters = inbox.store_filters(query)

    def listed(db: sqlite_utils.Database) -> tuple[Catalog, list]:
        rows, _ = store.inbox(db, filters, user.visible_units(), inbox.EXPORT_LIMIT)
        return current_catalog(db, keys), rows

    # Read apart from the writer (which sync also needs), then audited before it is sent.
    catalog, rows = database.read(listed)
    database.write(
        lambda db: audit.record(
            db, user.username, "inbox.export", None,
            format=fmt, filters=inbox.query_string(query), rows=len(rows),
        )
    )  # fmt: skip
    exported = inbox.export_rows(rows, catalog)
    headers = {"Content-Disposition": f'attachment; filename="ventanilla.{fmt}"'}
    if fmt == "csv":
        # The BOM makes spreadsheet programs read the accents as UTF-8.
        body = "\ufeff" + inbox.to_csv(exported)
        return Response(body, media_type="text/csv", headers=headers)
    return Response(inbox.to_json(exported), media_type="application/json", headers=headers)


def refuse_jump(row: dict[str, Any], status: str, lang: str) -> None:
    """InvalidForm unless the workflow lets `row` go to `status`."""
    if can_change(row["status"], status):
        return
    allowed = ", ".join(gettext(lang, STATUS_LABELS[s]) for s in TRANSITIONS[row["status"]])
    raise InvalidForm(
        gettext(
            lang,
            N_("{code} está «{current}»; de ahí puede pasar a: {allowed}."),
            code=row["tracking_code"],
            current=gettext(lang, STATUS_LABELS[row["status"]]),
            allowed=allowed,
        )
    )


def case_page(
    request: Request,
    database: Database,
    keys: Keys,
    row: dict[str, Any],
    personal: PersonalData | None,
) -> Template:
    user, lang = staff_user(request), staff_lang(request)

    def read(db: sqlite_utils.Database) -> tuple[Catalog, list, list]:
        catalog = current_catalog(db, keys)
        return (
            catalog,
            store.history(db, row["id"]),
            opened_by(db, catalog, row["tracking_code"], lang),
        )

    catalog, history, views = database.read(read)
    labels = field_labels(catalog, row["kind"], row["code"], lang)
    fields = json.loads(row["fields"])
    return staff_page(
        request,
        "staff/case.html",
        case=describe(row, catalog, lang),
        fields=[(labels.get(name, name), value) for name, value in fields.items()],
        personal=personal,
        answers=[(labels.get(name, name), value) for name, value in personal.fields.items()]
        if personal
        else [],
        history=[
            {**change, "status_label": gettext(lang, STATUS_LABELS[change["status"]])}
            for change in history
        ],
        views=views,
        next_statuses=[(s, gettext(lang, STATUS_LABELS[s])) for s in TRANSITIONS[row["status"]]],
        units=list(unit_names(catalog, lang).items()),
        can_route=user.role == "supervisor",
    )
