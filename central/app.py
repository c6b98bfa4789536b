"""`create_app(settings)`: central's Litestar application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig

from central.controllers import (
    HealthController,
    MetricsController,
    Open311Controller,
    OpenDataController,
    SyncController,
    TrackingController,
    open311_error,
)
from central.errors import BadPayload, Conflict, EnrollmentRefused, NotFound
from central.migrations import migrations
from central.open311 import Open311Error
from central.settings import Settings
from central.setup import load_keys
from central.staff.guards import SESSION_STORE
from central.staff.router import staff_router
from central.webhooks import WebhookWorker
from sync.messages import ErrorBody
from sync.signing import RequestRefused
from ventanilla import __version__
from ventanilla.accounts import LoginThrottle, ui_secret
from ventanilla.database import Database, StorageUnavailable
from ventanilla.http import error_handler, error_response, from_state, validation_failed
from ventanilla.metrics import Metrics

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def create_app(settings: Settings) -> Litestar:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        database = Database(settings.db_path, migrations).open()
        webhook_worker = None
        try:
            app.state.central_keys = database.read(load_keys)
            app.state.database = database
            webhook_worker = WebhookWorker(database).start()
            yield
        finally:
            if webhook_worker is not None:
                webhook_worker.stop()
            database.close()

    return Litestar(
        route_handlers=[
            HealthController,
            SyncController,
            MetricsController,
            TrackingController,
            Open311Controller,
            OpenDataController,
            staff_router(settings.secure_cookies, ui_secret(settings.data_dir)),
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        lifespan=[lifespan],
        dependencies={
            "database": Provide(from_state("database"), sync_to_thread=False),
            "keys": Provide(from_state("central_keys"), sync_to_thread=False),
            "settings": Provide(from_state("settings"), sync_to_thread=False),
            "metrics": Provide(from_state("metrics"), sync_to_thread=False),
            "login_throttle": Provide(from_state("login_throttle"), sync_to_thread=False),
        },
        exception_handlers={
            RequestRefused: _refused,
            Open311Error: open311_error,
            NotFound: error_handler(404),
            EnrollmentRefused: error_handler(403),
            Conflict: error_handler(409),
            BadPayload: error_handler(400),
            StorageUnavailable: error_handler(503),
            ValidationException: validation_failed,
        },
        openapi_config=OpenAPIConfig(
            title="Ventanilla central API",
            version=__version__,
            render_plugins=[JsonRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        stores={SESSION_STORE: MemoryStore()},
        state=State({"settings": settings, "metrics": metrics, "login_throttle": LoginThrottle()}),
        middleware=[metrics.middleware],
    )


def _refused(_: Request, exc: RequestRefused) -> Response[ErrorBody]:
    log.warning("refused sync request from %s: %s", exc.kiosk, exc.reason)
    return error_response(exc.status, exc.reason)
