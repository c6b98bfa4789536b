"""`create_app(settings)`: the kiosk's Litestar application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig

from kiosk import store
from kiosk.content import active_catalog
from kiosk.controllers import (
    CatalogController,
    HealthController,
    MetricsController,
    ReceiptController,
    SubmissionController,
    SyncStatusController,
)
from kiosk.errors import IdempotencyConflict, InvalidSubmission, NotFound, PrinterNotConfigured
from kiosk.migrations import migrations
from kiosk.outbox import SyncWorker
from kiosk.receipts import receipt_bytes
from kiosk.settings import Settings
from kiosk.submissions import load_identity
from kiosk.ui import UI_DIR
from kiosk.ui.citizen import CitizenController
from kiosk.ui.desk import DeskController, DeskLoginController
from kiosk.ui.scratch import Scratch
from printers.queue import PrintWorker
from sync.messages import ErrorBody
from ventanilla import __version__
from ventanilla.accounts import LoginThrottle, ui_secret
from ventanilla.database import Database, StorageUnavailable
from ventanilla.http import error_handler, error_response, from_state, validation_failed
from ventanilla.metrics import Metrics

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Litestar:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        database = Database(settings.db_path, migrations).open()
        try:
            identity = await database.write_async(lambda db: load_identity(db, settings))
            stored = await database.read_async(store.settings)
            catalog, version = active_catalog(
                settings.data_dir, stored, identity.central_key, settings.catalog_dir
            )
            await database.write_async(lambda db: store.index_catalog(db, catalog))
            app.state.update(
                database=database,
                identity=identity,
                catalog=catalog,
                bundle_version=version,
                printer=None,
            )
            if settings.printer_uri:
                app.state.printer = _print_worker(app.state, settings).start()
            app.state.sync = SyncWorker(app.state, settings).start()
            yield
        finally:
            for worker in ("sync", "printer"):
                if app.state.get(worker):
                    app.state[worker].stop()
            database.close()

    return Litestar(
        route_handlers=[
            HealthController,
            CatalogController,
            SubmissionController,
            ReceiptController,
            SyncStatusController,
            MetricsController,
            CitizenController,
            DeskLoginController,
            DeskController,
            create_static_files_router(
                path="/static", directories=[UI_DIR / "static"], include_in_schema=False
            ),
        ],
        lifespan=[lifespan],
        dependencies={
            "database": Provide(from_state("database"), sync_to_thread=False),
            "identity": Provide(from_state("identity"), sync_to_thread=False),
            "catalog": Provide(from_state("catalog"), sync_to_thread=False),
            "printer": Provide(from_state("printer"), sync_to_thread=False),
            "sync": Provide(from_state("sync"), sync_to_thread=False),
            "settings": Provide(from_state("settings"), sync_to_thread=False),
            "scratch": Provide(from_state("scratch"), sync_to_thread=False),
            "metrics": Provide(from_state("metrics"), sync_to_thread=False),
            "login_throttle": Provide(from_state("login_throttle"), sync_to_thread=False),
        },
        exception_handlers={
            NotFound: error_handler(404),
            PrinterNotConfigured: error_handler(503),
            InvalidSubmission: _invalid_submission,
            IdempotencyConflict: _idempotency_conflict,
            StorageUnavailable: _storage_unavailable,
            ValidationException: validation_failed,
        },
        openapi_config=OpenAPIConfig(
            title="Ventanilla kiosk API",
            version=__version__,
            # Only the JSON document: the UIs load scripts from a CDN, and a kiosk is offline.
            render_plugins=[JsonRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        template_config=TemplateConfig(directory=UI_DIR / "templates", engine=JinjaTemplateEngine),
        # Every HTML form carries a token; the JSON API (used by programs, with no
        # cookies to abuse) and the health check stay as they were.
        csrf_config=CSRFConfig(
            secret=ui_secret(settings.data_dir),
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["^/api/", "^/healthz", "^/schema"],
        ),
        stores={"desk-sessions": MemoryStore()},
        state=State(
            {
                "settings": settings,
                "scratch": Scratch(),
                "metrics": metrics,
                "login_throttle": LoginThrottle(),
            }
        ),
        middleware=[metrics.middleware],
    )


def _print_worker(state: State, settings: Settings) -> PrintWorker:
    def render(job: dict[str, Any]) -> bytes:
        row = state.database.read(lambda db: store.submission_by_id(db, job["submission_id"]))
        return receipt_bytes(row, state.catalog, state.identity, settings)

    return PrintWorker(state.database, settings.printer_uri, render, settings.printer_profile)


def _invalid_submission(_: Request, exc: InvalidSubmission) -> Response[ErrorBody]:
    return error_response(422, exc.message, exc.errors)


def _idempotency_conflict(_: Request, exc: IdempotencyConflict) -> Response[ErrorBody]:
    return error_response(
        422,
        "Idempotency-Key already used for a different submission",
        {"Idempotency-Key": "already used with another body"},
    )


def _storage_unavailable(_: Request, exc: StorageUnavailable) -> Response[ErrorBody]:
    log.error("storage unavailable: %s", exc)
    return error_response(
        503,
        "The kiosk cannot save right now (storage unavailable); nothing was saved. "
        "Please try again or ask at the counter.",
    )
