"""HTTP handlers of the kiosk API: typed input, one call into a plain function, a Struct out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from content.catalog import catalog_version
from content.localize import complaint_out, procedure_out, procedure_summary
from content.schema import Catalog
from kiosk import store, submissions
from kiosk.errors import NotFound, PrinterNotConfigured
from kiosk.outbox import SyncWorker
from kiosk.receipts import receipt_png
from kiosk.settings import Settings
from kiosk.submissions import Identity
from kiosk.ui.guards import DESK_SESSIONS, desk_login
from printers import queue as print_queue
from printers.backends import printer_status
from printers.queue import PrintWorker
from sync.messages import (
    Accepted,
    ComplaintCategoryOut,
    PrinterState,
    PrintJobOut,
    ProcedureOut,
    ProcedureSummary,
    SubmissionIn,
    SubmissionSummary,
    SyncStatus,
)
from ventanilla.clock import seconds_since
from ventanilla.database import Database
from ventanilla.http import documented_errors
from ventanilla.i18n import N_, gettext
from ventanilla.metrics import Metrics, render

LangParam = Literal["es", "qu", "en"]


class HealthController(Controller):
    path = "/healthz"
    tags = ["operations"]

    @get(sync_to_thread=True)
    def health(
        self,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
    ) -> dict[str, Any]:
        """Liveness and what this kiosk is: `{"status": "ok", ...}`."""
        return {
            "status": "ok",
            "prefix": identity.prefix,
            "office": identity.office,
            "catalog_version": catalog_version(catalog),
            "submissions": database.read(store.count_submissions),
        }


class CatalogController(Controller):
    path = "/api/v1"
    tags = ["catalogue"]

    @get("/procedures", sync_to_thread=True)
    def list_procedures(
        self,
        database: NamedDependency[Database],
        catalog: NamedDependency[Catalog],
        q: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        lang: FromQuery[LangParam] = "es",
    ) -> list[ProcedureSummary]:
        """Procedures, optionally searched (`q`, accents and case ignored) and filtered."""
        procedures = catalog.procedures
        if q and q.strip():
            ranked = database.read(lambda db: store.search_procedures(db, q))
            by_code = {p.code: p for p in procedures}
            procedures = [by_code[code] for code in ranked if code in by_code]
        if category:
            procedures = [p for p in procedures if p.category == category]
        return [procedure_summary(p, lang) for p in procedures]

    @get("/procedures/{code:str}", sync_to_thread=False, responses=documented_errors(400, 404))
    def get_procedure(
        self,
        catalog: NamedDependency[Catalog],
        code: FromPath[str],
        lang: FromQuery[LangParam] = "es",
    ) -> ProcedureOut:
        """One procedure: requirements, steps, fee, where to go and its form."""
        procedure = catalog.procedure(code.upper())
        if procedure is None:
            raise NotFound(gettext(lang, N_("No existe el trámite «{code}»."), code=code))
        return procedure_out(catalog, procedure, lang)

    @get("/complaint-categories", sync_to_thread=False)
    def list_complaint_categories(
        self, catalog: NamedDependency[Catalog], lang: FromQuery[LangParam] = "es"
    ) -> list[ComplaintCategoryOut]:
        """Kinds of reclamo, queja, denuncia and sugerencia, each with its unit and form."""
        return [complaint_out(catalog, c, lang) for c in catalog.complaints]


class SubmissionController(Controller):
    path = "/api/v1/submissions"
    tags = ["submissions"]

    @post(status_code=201, responses=documented_errors(400, 413, 422, 503))
    async def create_submission(
        self,
        state: State,
        data: JSONBody[SubmissionIn],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[Accepted]:
        """Accept an application or complaint; answered only once it is on disk.

        Retrying with the same `Idempotency-Key` returns the same submission.
        """
        # The app state itself rather than five dependencies: Litestar resolves
        # several in an anyio task group per request, the accept path's largest
        # cost after the commit itself (see bench/accept.py).
        result, replayed = await submissions.accept(
            state.database, state.identity, state.catalog, data, idempotency_key, state.printer
        )
        state.sync.wake()
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(result, status_code=201, headers=headers)

    @get("/{tracking_code:str}", sync_to_thread=True, responses=documented_errors(400, 404))
    def get_submission(
        self,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        tracking_code: FromPath[str],
        lang: FromQuery[LangParam] = "es",
    ) -> SubmissionSummary:
        """Status of a submission by its tracking code (typed loosely); no personal data."""
        return database.read(
            lambda db: submissions.find_submission(db, catalog, identity, tracking_code, lang)
        )


class ReceiptController(Controller):
    path = "/api/v1"
    tags = ["receipts"]

    @get(
        "/submissions/{tracking_code:str}/receipt.png",
        responses=documented_errors(404),
        media_type="image/png",
        sync_to_thread=True,
    )
    def receipt_preview(
        self,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        settings: NamedDependency[Settings],
        tracking_code: FromPath[str],
    ) -> Response[bytes]:
        """A PNG of exactly what the receipt paper shows, QR included."""
        row = database.read(lambda db: submissions.lookup(db, tracking_code))
        png = receipt_png(row, catalog, identity, settings)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    @post(
        "/submissions/{tracking_code:str}/print",
        responses=documented_errors(401, 404, 503),
        status_code=202,
        sync_to_thread=True,
        # Staff only: a desk login (the kiosk's own receipts print without this route).
        guards=[desk_login],
        middleware=[DESK_SESSIONS.middleware],
    )
    def reprint(
        self,
        database: NamedDependency[Database],
        printer: NamedDependency[PrintWorker | None],
        tracking_code: FromPath[str],
    ) -> PrintJobOut:
        """Queue a reprint of a receipt (a new job; the first one is never resent)."""
        if printer is None:
            raise PrinterNotConfigured("This kiosk has no receipt printer configured.")
        row = database.read(lambda db: submissions.lookup(db, tracking_code))
        job_id = database.write(lambda db: print_queue.enqueue(db, row["id"], "reprint"))
        printer.wake()
        return PrintJobOut(job_id=job_id, reason="reprint", state="pending")

    @get("/printer", sync_to_thread=True)
    def printer_state(
        self,
        database: NamedDependency[Database],
        settings: NamedDependency[Settings],
    ) -> PrinterState:
        """The receipt printer's own status (read from the device) and its queue."""
        summary = database.read(print_queue.queue_summary)
        uri = settings.printer_uri
        return PrinterState(
            configured=uri is not None,
            uri=uri,
            paper=settings.paper,
            profile=settings.printer_profile,
            status=printer_status(uri, settings.printer_profile) if uri else "none",
            jobs=summary["jobs"],
            last_error=summary["last_error"],
        )


class SyncStatusController(Controller):
    path = "/api/v1/sync"
    tags = ["sync"]

    @get("/status", sync_to_thread=True)
    def sync_status(self, sync: NamedDependency[SyncWorker]) -> SyncStatus:
        """Whether the kiosk is enrolled, when it last synced, what waits, and the link."""
        return msgspec.convert(sync.status(), SyncStatus)


class MetricsController(Controller):
    path = "/metrics"
    tags = ["operations"]

    @get(media_type="text/plain; version=0.0.4", sync_to_thread=True)
    def metrics(
        self,
        database: NamedDependency[Database],
        sync: NamedDependency[SyncWorker],
        metrics: NamedDependency[Metrics],
    ) -> str:
        """Prometheus metrics: submissions, outbox depth, age of the last sync, print queue, errors."""
        status = sync.status()
        jobs = database.read(print_queue.queue_summary)["jobs"]
        return render(
            [
                *metrics.responses(),
                ("ventanilla_submissions_total", {}, database.read(store.count_submissions)),
                ("ventanilla_outbox_depth", {}, status["pending"]),
                ("ventanilla_last_sync_age_seconds", {}, seconds_since(status["last_sync_at"])),
                ("ventanilla_sync_failures", {}, sync.failures),
                ("ventanilla_db_commits_total", {}, database.commits),
                ("ventanilla_db_writes_total", {}, database.tasks),
                *[("ventanilla_print_jobs", {"state": state}, n) for state, n in jobs.items()],
            ]
        )
