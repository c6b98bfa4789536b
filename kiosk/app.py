"""`create_app(settings)`: the kiosk's Litestar application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, MediaType, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from content.catalog import load_catalog
from kiosk import store
from kiosk.controllers import (
    CatalogController,
    HealthController,
    ReceiptController,
    SubmissionController,
)
from kiosk.errors import IdempotencyConflict, InvalidSubmission, NotFound, PrinterNotConfigured
from kiosk.migrations import migrations
from kiosk.receipts import receipt_bytes
from kiosk.settings import Settings
from kiosk.submissions import load_identity
from printers.queue import PrintWorker
from ventanilla import __version__
from ventanilla.database import Database, StorageUnavailable

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        database = Database(settings.db_path, migrations).open()
        try:
            catalog = load_catalog(settings.catalog_dir)
            app.state.identity = await database.write_async(lambda db: load_identity(db, settings))
            await database.write_async(lambda db: store.index_catalog(db, catalog))
            app.state.database = database
            app.state.catalog = catalog
            app.state.printer = None
            if settings.printer_uri:
                app.state.printer = _print_worker(app.state, settings).start()
            yield
        finally:
            if app.state.get("printer"):
                app.state.printer.stop()
            database.close()

    return Litestar(
        route_handlers=[
            HealthController,
            CatalogController,
            SubmissionController,
            ReceiptController,
        ],
        lifespan=[lifespan],
        dependencies={
            "database": Provide(_state("database"), sync_to_thread=False),
            "identity": Provide(_state("identity"), sync_to_thread=False),
            "catalog": Provide(_state("catalog"), sync_to_thread=False),
            "printer": Provide(_state("printer"), sync_to_thread=False),
            "settings": Provide(_state("settings"), sync_to_thread=False),
        },
        exception_handlers={
            NotFound: _error(404),
            PrinterNotConfigured: _error(503),
            InvalidSubmission: _invalid_submission,
            IdempotencyConflict: _idempotency_conflict,
            StorageUnavailable: _storage_unavailable,
            ValidationException: _validation_failed,
        },
        openapi_config=OpenAPIConfig(
            title="Ventanilla kiosk API",
            version=__version__,
            # Only the JSON document: the UIs load scripts from a CDN, and a kiosk is offline.
            render_plugins=[JsonRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings}),
    )


def _print_worker(state: State, settings: Settings) -> PrintWorker:
    def render(job: dict[str, Any]) -> bytes:
        row = state.database.read(lambda db: store.submission_by_id(db, job["submission_id"]))
        return receipt_bytes(row, state.catalog, state.identity, settings)

    return PrintWorker(state.database, settings.printer_uri, render, settings.printer_profile)


def _state(name: str):
    def provide(state: State) -> Any:
        return getattr(state, name)

    return provide


def _json(status: int, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response(
        {"status_code": status, "detail": detail, **extra},
        status_code=status,
        media_type=MediaType.JSON,
    )


def _error(status: int):
    def handle(_: Request, exc: Exception) -> Response[dict[str, Any]]:
        return _json(status, str(exc))

    return handle


def _field_errors(errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"field": field, "message": message} for field, message in errors.items()]


def _invalid_submission(_: Request, exc: InvalidSubmission) -> Response[dict[str, Any]]:
    return _json(422, exc.message, errors=_field_errors(exc.errors))


def _idempotency_conflict(_: Request, exc: IdempotencyConflict) -> Response[dict[str, Any]]:
    return _json(
        422,
        "Idempotency-Key already used for a different submission",
        errors=[{"field": "Idempotency-Key", "message": "already used with another body"}],
    )


def _storage_unavailable(_: Request, exc: StorageUnavailable) -> Response[dict[str, Any]]:
    log.error("storage unavailable: %s", exc)
    return _json(
        503,
        "The kiosk cannot save right now (storage unavailable); nothing was saved. "
        "Please try again or ask at the counter.",
    )


def _validation_failed(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    # Litestar raises this both for unparseable JSON (no details: 400) and for
    # JSON of the wrong shape (details per key: 422, like our own form errors).
    details = exc.extra if isinstance(exc.extra, list) else []
    # Litestar names the body itself "data" (the handler's parameter).
    body_errors = {
        ("body" if d.get("key") in (None, "", "data") else str(d["key"])): str(d.get("message"))
        for d in details
        if isinstance(d, dict) and d.get("source") == "body"
    }
    if body_errors:
        return _json(
            422,
            "The request body does not have the expected shape",
            errors=_field_errors(body_errors),
        )
    if details:
        return _json(
            400,
            exc.detail,
            errors=_field_errors(
                {str(d.get("key")): str(d.get("message")) for d in details if isinstance(d, dict)}
            ),
        )
    return _json(400, exc.detail)
