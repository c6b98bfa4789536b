"""The citizen's touch screens at `/`: browse, apply, complain, review, receipt, track.

Every page is server-rendered in the language of its path (`/es/...`, `/qu/...`,
`/en/...`). Answers are POSTed, kept in `Scratch` under a random handle and the
browser is redirected (303) to a GET page naming only that handle: no citizen
data in a GET URL, the history, a cookie or browser storage.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import qrcode
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from content.catalog import catalog_version
from content.localize import procedure_out, procedure_summary
from content.schema import Catalog
from kiosk import store, submissions
from kiosk.errors import InvalidSubmission, NotFound
from kiosk.outbox import SyncWorker
from kiosk.settings import Settings
from kiosk.submissions import Identity
from kiosk.ui import speech, webforms
from kiosk.ui.pages import SECURITY_HEADERS, FormData, not_found_page, page_lang, render
from kiosk.ui.scratch import Scratch
from printers import queue as print_queue
from printers.queue import PrintWorker
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext

COMPLAINT_KINDS = {
    "reclamo": N_("Reclamos"),
    "queja": N_("Quejas"),
    "denuncia": N_("Denuncias"),
    "sugerencia": N_("Sugerencias"),
}
MAX_QUERY = 100


def see_other(url: str) -> Redirect:
    return Redirect(url, status_code=303)


class CitizenController(Controller):
    path = "/"
    include_in_schema = False
    response_headers = SECURITY_HEADERS
    exception_handlers = {NotFound: not_found_page}

    @get("/", sync_to_thread=False)
    def welcome(self, request: Request) -> Template:
        """Choose a language: the first screen, and where every reset lands."""
        return render(request, "welcome.html", "es", welcome=True)

    @post("/reset", sync_to_thread=False)
    def reset(self, scratch: NamedDependency[Scratch], data: FormData) -> Redirect:
        """Forget what the screen being left showed, and go back to the welcome screen."""
        scratch.drop(*data.get("handles", "").split())
        return see_other("/")

    @get("/{lang:str}", sync_to_thread=False)
    def home(self, request: Request, lang: FromPath[str]) -> Template:
        return render(request, "home.html", page_lang(lang))

    # Procedures -------------------------------------------------------------

    @get("/{lang:str}/procedures", sync_to_thread=True)
    def procedures(
        self,
        request: Request,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        category: FromQuery[str | None] = None,
        search: FromQuery[str | None] = None,
    ) -> Template:
        """Procedures by category, or those a search found."""
        lang = page_lang(lang)
        found = scratch.get(search, "search")
        procedures = catalog.procedures
        if found:
            ranked = database.read(lambda db: store.search_procedures(db, found["q"]))
            by_code = {p.code: p for p in procedures}
            procedures = [by_code[code] for code in ranked if code in by_code]
        if category:
            procedures = [p for p in procedures if p.category == category]
        return render(
            request,
            "procedures.html",
            lang,
            handles=[search or ""],
            categories=[(c.code, c.title.get(lang)) for c in catalog.categories],
            category=category,
            query=found["q"] if found else None,
            procedures=[procedure_summary(p, lang) for p in procedures],
        )

    @post("/{lang:str}/procedures/search", sync_to_thread=False)
    def search(
        self, scratch: NamedDependency[Scratch], lang: FromPath[str], data: FormData
    ) -> Redirect:
        lang = page_lang(lang)
        q = " ".join(data.get("q", "").split())[:MAX_QUERY]
        if not q:
            return see_other(f"/{lang}/procedures")
        return see_other(f"/{lang}/procedures?search={scratch.put({'kind': 'search', 'q': q})}")

    @get("/{lang:str}/procedures/{code:str}", sync_to_thread=False)
    def procedure(
        self,
        request: Request,
        catalog: NamedDependency[Catalog],
        lang: FromPath[str],
        code: FromPath[str],
    ) -> Template:
        """What a procedure needs and costs, where to go, and a way to start it."""
        lang = page_lang(lang)
        procedure = catalog.procedure(code.upper())
        if procedure is None:
            raise NotFound(gettext(lang, N_("No existe el trámite «{code}»."), code=code))
        return render(request, "procedure.html", lang, p=procedure_out(catalog, procedure, lang))

    @get("/{lang:str}/procedures/{code:str}/apply", sync_to_thread=False)
    def application_form(
        self,
        request: Request,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        code: FromPath[str],
        draft: FromQuery[str | None] = None,
    ) -> Template:
        return form_page(request, catalog, scratch, page_lang(lang), "application", code, draft)

    @post("/{lang:str}/procedures/{code:str}/apply", sync_to_thread=False)
    def application_posted(
        self,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        code: FromPath[str],
        data: FormData,
    ) -> Redirect:
        return form_posted(catalog, scratch, page_lang(lang), "application", code, data)

    # Complaints -------------------------------------------------------------

    @get("/{lang:str}/complaints", sync_to_thread=False)
    def complaints(
        self, request: Request, catalog: NamedDependency[Catalog], lang: FromPath[str]
    ) -> Template:
        """Kinds of complaint, grouped: reclamos, quejas, denuncias, sugerencias."""
        lang = page_lang(lang)
        groups = [
            (gettext(lang, label), [c for c in catalog.complaints if c.kind == kind])
            for kind, label in COMPLAINT_KINDS.items()
        ]
        return render(
            request,
            "complaints.html",
            lang,
            groups=[
                (label, [(c.code, c.title.get(lang), c.summary.get(lang)) for c in items])
                for label, items in groups
                if items
            ],
        )

    @get("/{lang:str}/complaints/{code:str}", sync_to_thread=True)
    def similar(
        self,
        request: Request,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        lang: FromPath[str],
        code: FromPath[str],
    ) -> Response:
        """Open complaints of this kind here: "is it the same problem?" (else, the form)."""
        lang = page_lang(lang)
        category = complaint_category(catalog, code, lang)
        open_ones = database.read(lambda db: store.open_complaints(db, category.code))
        if not open_ones:
            return see_other(f"/{lang}/complaints/{category.code}/new")
        return render(
            request,
            "similar.html",
            lang,
            category=category,
            title=category.title.get(lang),
            complaints=open_ones,
        )

    @post("/{lang:str}/complaints/{code:str}/support", sync_to_thread=True)
    def support(
        self,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        code: FromPath[str],
        data: FormData,
    ) -> Redirect:
        """Add one's support to an open complaint instead of filing the same one again."""
        lang = page_lang(lang)
        category = complaint_category(catalog, code, lang)
        tracking_code = data.get("tracking_code", "")
        count = database.write(lambda db: store.add_support(db, category.code, tracking_code))
        if count is None:  # closed meanwhile, or not one of these: file a new one
            return see_other(f"/{lang}/complaints/{category.code}/new")
        handle = scratch.put({"kind": "supported", "code": category.code, "count": count})
        return see_other(f"/{lang}/supported/{handle}")

    @get("/{lang:str}/supported/{handle:str}", sync_to_thread=False)
    def supported(
        self,
        request: Request,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        handle: FromPath[str],
    ) -> Response:
        lang = page_lang(lang)
        done = scratch.get(handle, "supported")
        if done is None:
            return see_other(f"/{lang}")
        category = complaint_category(catalog, done["code"], lang)
        return render(
            request,
            "supported.html",
            lang,
            handles=[handle],
            title=category.title.get(lang),
            count=done["count"],
        )

    @get("/{lang:str}/complaints/{code:str}/new", sync_to_thread=False)
    def complaint_form(
        self,
        request: Request,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        code: FromPath[str],
        draft: FromQuery[str | None] = None,
    ) -> Template:
        return form_page(request, catalog, scratch, page_lang(lang), "complaint", code, draft)

    @post("/{lang:str}/complaints/{code:str}/new", sync_to_thread=False)
    def complaint_posted(
        self,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        code: FromPath[str],
        data: FormData,
    ) -> Redirect:
        return form_posted(catalog, scratch, page_lang(lang), "complaint", code, data)

    # Review, send, receipt --------------------------------------------------

    @get("/{lang:str}/review/{handle:str}", sync_to_thread=False)
    def review(
        self,
        request: Request,
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        handle: FromPath[str],
    ) -> Response:
        """Everything the citizen wrote, checked, before it is sent."""
        lang = page_lang(lang)
        draft = scratch.get(handle, "draft")
        if draft is None:
            return see_other(f"/{lang}")
        checked, _ = webforms.check(catalog, draft, lang)
        if checked is None:
            return see_other(form_url(lang, draft["type"], draft["code"], handle))
        form = webforms.form_of(catalog, draft["type"], draft["code"]) or []
        return render(
            request,
            "review.html",
            lang,
            handles=[handle],
            handle=handle,
            kind=draft["type"],
            title=webforms.subject_title(catalog, draft["type"], draft["code"], lang),
            rows=webforms.review_rows(form, checked, lang),
            anonymous=draft["type"] == "complaint" and checked.applicant is None,
            edit_href=form_url(lang, draft["type"], draft["code"], handle),
        )

    @post("/{lang:str}/review/{handle:str}")
    async def send(
        self,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        printer: NamedDependency[PrintWorker | None],
        sync: NamedDependency[SyncWorker],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        handle: FromPath[str],
    ) -> Redirect:
        """File it through the accept path (durable first, receipt queued with it)."""
        lang = page_lang(lang)
        sent = scratch.get(handle, "sent")
        if sent is not None:  # a second tap on "Send": the same receipt
            return see_other(f"/{lang}/receipt/{sent['receipt']}")
        draft = scratch.get(handle, "draft")
        if draft is None:
            return see_other(f"/{lang}")
        payload = webforms.payload(draft, lang)
        try:
            # The handle is the idempotency key: a retried POST files nothing twice.
            result, _ = await submissions.accept(
                database, identity, catalog, payload, handle, printer
            )
        except InvalidSubmission:
            return see_other(form_url(lang, draft["type"], draft["code"], handle))
        sync.wake()
        receipt = scratch.put(
            {
                "kind": "receipt",
                "tracking_code": result.tracking_code,
                "track_url": result.track_url,
            }
        )
        # The answers leave memory: only the way to the receipt stays.
        scratch.put({"kind": "sent", "receipt": receipt}, handle)
        return see_other(f"/{lang}/receipt/{receipt}")

    @get("/{lang:str}/receipt/{handle:str}", sync_to_thread=True)
    def receipt(
        self,
        request: Request,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        printer: NamedDependency[PrintWorker | None],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        handle: FromPath[str],
    ) -> Response:
        """The tracking code, the QR to follow it, and whether the paper is printing."""
        lang = page_lang(lang)
        held = scratch.get(handle, "receipt")
        if held is None:
            return see_other(f"/{lang}")
        row = database.read(lambda db: submissions.lookup(db, held["tracking_code"]))
        summary = database.read(
            lambda db: submissions.find_submission(
                db, catalog, identity, row["tracking_code"], lang
            )
        )
        requirements: list[str] = []
        procedure = catalog.procedure(row["code"]) if row["kind"] == "application" else None
        if procedure is not None:
            requirements = [r.get(lang) for r in procedure.requirements]
        return render(
            request,
            "receipt.html",
            lang,
            handles=[handle],
            handle=handle,
            summary=summary,
            submitted=local_time(row["submitted_at"]),
            requirements=requirements,
            print_status=print_status(database, printer, row["id"], lang),
        )

    @get("/{lang:str}/receipt/{handle:str}/qr.png", media_type="image/png", sync_to_thread=True)
    def receipt_qr(
        self, scratch: NamedDependency[Scratch], lang: FromPath[str], handle: FromPath[str]
    ) -> Response[bytes]:
        """The receipt's QR alone (it encodes the tracking URL on the central site)."""
        held = scratch.get(handle, "receipt")
        if held is None:
            raise NotFound(gettext(page_lang(lang), N_("Esta página no existe.")))
        return Response(qr_png(held["track_url"]), media_type="image/png")

    @get("/{lang:str}/receipt/{handle:str}/print-status", sync_to_thread=True)
    def receipt_print_status(
        self,
        database: NamedDependency[Database],
        printer: NamedDependency[PrintWorker | None],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        handle: FromPath[str],
    ) -> dict[str, Any]:
        """What the receipt screen says about the paper, polled while it prints."""
        lang = page_lang(lang)
        held = scratch.get(handle, "receipt")
        if held is None:
            raise NotFound(gettext(lang, N_("Esta página no existe.")))
        row = database.read(lambda db: submissions.lookup(db, held["tracking_code"]))
        return print_status(database, printer, row["id"], lang)

    # Track ------------------------------------------------------------------

    @get("/{lang:str}/track", sync_to_thread=True)
    def track(
        self,
        request: Request,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        result: FromQuery[str | None] = None,
    ) -> Template:
        """Type a tracking code, see where the case stands."""
        lang = page_lang(lang)
        asked = scratch.get(result, "track")
        summary, error = None, None
        if asked and asked["tracking_code"]:
            code = asked["tracking_code"]
            summary = database.read(
                lambda db: submissions.find_submission(db, catalog, identity, code, lang)
            )
        elif asked:
            error = gettext(lang, asked["error"])
        return render(
            request,
            "track.html",
            lang,
            handles=[result or ""],
            summary=summary,
            error=error,
            typed=asked["typed"] if asked else "",
        )

    @post("/{lang:str}/track", sync_to_thread=True)
    def track_posted(
        self,
        database: NamedDependency[Database],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        data: FormData,
    ) -> Redirect:
        lang = page_lang(lang)
        typed = data.get("code", "").strip()[:40]
        asked: dict[str, Any] = {"kind": "track", "typed": typed, "tracking_code": None}
        if not typed:
            asked["error"] = N_("Escriba su código de seguimiento.")
        else:
            try:
                row = database.read(lambda db: submissions.lookup(db, typed, lang))
                asked["tracking_code"] = row["tracking_code"]
            except NotFound:
                asked["error"] = N_("No encontramos ese código de seguimiento.")
        return see_other(f"/{lang}/track?result={scratch.put(asked)}")

    # Read aloud -------------------------------------------------------------

    @get("/{lang:str}/listen/{what:str}/{ref:str}", media_type="audio/wav", sync_to_thread=True)
    def listen(
        self,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        settings: NamedDependency[Settings],
        scratch: NamedDependency[Scratch],
        lang: FromPath[str],
        what: FromPath[str],
        ref: FromPath[str],
    ) -> Response[bytes]:
        """A text of the screen read aloud in the page's language (WAV)."""
        lang = page_lang(lang)
        if not speech.available():
            raise NotFound(gettext(lang, N_("Esta página no existe.")))
        if what == "receipt":
            held = scratch.get(ref, "receipt")
            if held is None:
                raise NotFound(gettext(lang, N_("Esta página no existe.")))
            text = gettext(
                lang,
                N_("Su código de seguimiento es: {code}. Guarde su comprobante."),
                code=speech.spelled(held["tracking_code"]),
            )
            return Response(speech.fresh_wav(text, lang), media_type="audio/wav")
        text = listen_text(catalog, what, ref, lang)
        cache = settings.data_dir / "speech" / catalog_version(catalog)
        wav = speech.cached_wav(text, lang, cache).read_bytes()
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "max-age=3600"})


# Plain functions the handlers share ------------------------------------------


def form_url(lang: str, draft_type: str, code: str, handle: str | None = None) -> str:
    base = (
        f"/{lang}/procedures/{code}/apply"
        if draft_type == "application"
        else f"/{lang}/complaints/{code}/new"
    )
    return f"{base}?draft={handle}" if handle else base


def complaint_category(catalog: Catalog, code: str, lang: str):
    category = catalog.complaint(code)
    if category is None:
        raise NotFound(gettext(lang, N_("No existe la categoría de reclamo «{code}»."), code=code))
    return category


def form_page(
    request: Request,
    catalog: Catalog,
    scratch: Scratch,
    lang: str,
    draft_type: str,
    code: str,
    handle: str | None,
) -> Template:
    """A procedure's or complaint's form; a returning draft brings its answers and messages."""
    code = code.upper() if draft_type == "application" else code
    form = webforms.form_of(catalog, draft_type, code)
    if form is None:
        raise NotFound(gettext(lang, N_("Esta página no existe.")))
    draft = scratch.get(handle, "draft")
    if draft is not None and (draft["type"], draft["code"]) != (draft_type, code):
        draft = None
    errors = webforms.check(catalog, draft, lang)[1] if draft is not None else {}
    return render(
        request,
        "form.html",
        lang,
        handles=[handle or ""] if draft else [],
        draft=handle if draft else "",
        kind=draft_type,
        code=code,
        title=webforms.subject_title(catalog, draft_type, code, lang),
        action=form_url(lang, draft_type, code),
        fields=webforms.widgets(form, draft, errors, lang),
        applicant=webforms.applicant_widgets(draft_type, draft, errors, lang),
        errors=errors,
        listen_ref=f"form-{draft_type}/{code}",
    )


def form_posted(
    catalog: Catalog, scratch: Scratch, lang: str, draft_type: str, code: str, data: dict[str, str]
) -> Redirect:
    """Keep the answers under a handle; to the review if they pass, else back to the form."""
    code = code.upper() if draft_type == "application" else code
    form = webforms.form_of(catalog, draft_type, code)
    if form is None:
        raise NotFound(gettext(lang, N_("Esta página no existe.")))
    draft = webforms.draft_from_post(draft_type, code, data, form)
    handle = scratch.put(draft, data.get("draft") or None)
    checked, _ = webforms.check(catalog, draft, lang)
    if checked is None:
        return see_other(form_url(lang, draft_type, code, handle))
    return see_other(f"/{lang}/review/{handle}")


def print_status(
    database: Database, printer: PrintWorker | None, submission_id: str, lang: str
) -> dict[str, Any]:
    """{"text": what to tell the citizen about the paper, "done": whether it will change}."""
    if printer is None:
        text, done = N_("Esta ventanilla no tiene impresora: anote su código."), True
    else:
        jobs = database.read(lambda db: print_queue.jobs_for(db, submission_id))
        job = jobs[-1] if jobs else None
        if job is None or job["state"] in ("uncertain", "expired"):
            text, done = N_("No pudimos imprimir su comprobante: pida ayuda en ventanilla."), True
        elif job["state"] == "printed":
            text, done = N_("Comprobante impreso. Recójalo de la impresora."), True
        elif job["last_error"]:
            text, done = N_("La impresora no responde; seguimos intentando."), False
        else:
            text, done = N_("Imprimiendo su comprobante…"), False
    return {"text": gettext(lang, text), "done": done}


def qr_png(url: str) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


LA_PAZ = datetime.timezone(datetime.timedelta(hours=-4), "BOT")  # no DST in Bolivia


def local_time(iso: str) -> str:
    return datetime.datetime.fromisoformat(iso).astimezone(LA_PAZ).strftime("%d/%m/%Y %H:%M")


def listen_text(catalog: Catalog, what: str, ref: str, lang: str) -> str:
    """The words read aloud for part of a screen (`what`) about procedure or category `ref`."""
    not_found = NotFound(gettext(lang, N_("Esta página no existe.")))
    if what in ("procedure", "requirements"):
        procedure = catalog.procedure(ref.upper())
        if procedure is None:
            raise not_found
        p = procedure_out(catalog, procedure, lang)
        requirements = [gettext(lang, N_("Requisitos")), *p.requirements]
        if what == "requirements":
            return ". ".join(requirements)
        fee = (
            gettext(lang, N_("Costo: {fee} bolivianos."), fee=f"{p.fee_bs:g}")
            if p.fee_bs is not None
            else gettext(lang, N_("Costo: consultar en ventanilla."))
        )
        parts = [p.title, p.summary, *requirements, gettext(lang, N_("Pasos")), *p.steps, fee]
        if p.where:
            parts.append(p.where)
        return ". ".join(parts)
    if what in ("form-application", "form-complaint"):
        form = webforms.form_of(catalog, what.removeprefix("form-"), ref)
        if form is None:
            raise not_found
        return ". ".join(
            f"{f.label.get(lang)}: {f.help.get(lang)}" if f.help else f.label.get(lang)
            for f in form
        )
    raise not_found
