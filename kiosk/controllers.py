"""HTTP handlers of the kiosk API: typed input, one call into a plain function, a Struct out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from content.catalog import catalog_version
from content.localize import complaint_out, procedure_out, procedure_summary
from content.schema import Catalog
from kiosk import store, submissions
from kiosk.errors import NotFound
from kiosk.submissions import Identity
from sync.messages import (
    Accepted,
    ComplaintCategoryOut,
    ProcedureOut,
    ProcedureSummary,
    SubmissionIn,
    SubmissionSummary,
)
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext

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

    @get("/procedures/{code:str}", sync_to_thread=False)
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

    @post(status_code=201)
    async def create_submission(
        self,
        database: NamedDependency[Database],
        identity: NamedDependency[Identity],
        catalog: NamedDependency[Catalog],
        data: JSONBody[SubmissionIn],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[Accepted]:
        """Accept an application or complaint; answered only once it is on disk.

        Retrying with the same `Idempotency-Key` returns the same submission.
        """
        result, replayed = await submissions.accept(
            database, identity, catalog, data, idempotency_key
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(result, status_code=201, headers=headers)

    @get("/{tracking_code:str}", sync_to_thread=True)
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
