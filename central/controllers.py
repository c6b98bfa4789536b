"""HTTP handlers of central: thin, each one call into a plain function."""

from __future__ import annotations

import datetime
import json
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template

from central import open311, opendata, store
from central.auth import SignedRequest, signed, verify_request
from central.enrollment import enroll
from central.errors import BadPayload, NotFound
from central.ingest import decode_batch, ingest, kiosk_reports
from central.pages import page
from central.settings import Settings
from central.setup import Keys
from central.tracking import current_catalog, track
from sync.messages import (
    EnrollRequest,
    EnrollResponse,
    OpenDataRow,
    SharedComplaint,
    SharedComplaints,
    StatusChange,
    StatusChanges,
    SupportAcks,
    SupportBatch,
    TrackView,
)
from ventanilla.clock import iso, seconds_since, utc_now
from ventanilla.database import Database
from ventanilla.http import documented_errors
from ventanilla.metrics import Metrics, render

_encoder = msgspec.msgpack.Encoder()
SHARED_DAYS = 90  # how far back open complaints are suggested to other kiosks
_json_encoder = msgspec.json.Encoder()


class HealthController(Controller):
    path = "/healthz"
    tags = ["operations"]

    @get(sync_to_thread=True)
    def health(self, database: NamedDependency[Database]) -> dict[str, Any]:
        """Liveness: `{"status": "ok", ...}`."""
        return {
            "status": "ok",
            "kiosks": len(database.read(store.kiosks)),
            "submissions": database.read(store.count_submissions),
        }


class SyncController(Controller):
    """What kiosks call. Every route but enrollment takes only signed requests."""

    path = "/api/v1/sync"
    tags = ["sync"]

    @post("/enroll", status_code=201, responses=documented_errors(400, 403, 413, 422))
    async def enroll_kiosk(
        self,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        settings: NamedDependency[Settings],
        data: JSONBody[EnrollRequest],
    ) -> EnrollResponse:
        """Register a kiosk's device key against a one-time enrollment code."""
        return await database.write_async(lambda db: enroll(db, data, keys, settings.public_url))

    @post("/push", status_code=200, responses=documented_errors(400, 401, 403, 413))
    async def push(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
    ) -> Response[bytes]:
        """A batch of submission records (zstd-compressed msgpack); one ack per record."""
        signed_request = await verify_request(request, database)
        batch = decode_batch(signed_request.body)
        result = await database.write_async(
            lambda db: ingest(db, signed_request.kiosk, batch, keys.sealing_key)
        )
        return signed(keys, signed_request, _encoder.encode(result))

    @get("/status-changes", responses=documented_errors(400, 401, 403))
    async def status_changes(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        since: FromQuery[int] = 0,
    ) -> Response[bytes]:
        """Status changes of this kiosk's submissions after the cursor `since`."""
        signed_request = await verify_request(request, database)
        rows = await database.read_async(
            lambda db: store.status_changes_since(db, signed_request.kiosk, since)
        )
        changes = [msgspec.convert(row, StatusChange) for row in rows]
        cursor = changes[-1].cursor if changes else since
        return signed(
            keys, signed_request, _encoder.encode(StatusChanges(changes=changes, cursor=cursor))
        )

    @post("/supports", status_code=200, responses=documented_errors(400, 401, 403, 413))
    async def supports(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
    ) -> Response[bytes]:
        """Citizens' backing of open complaints, counted once per support id."""
        signed_request = await verify_request(request, database)
        try:
            batch = msgspec.msgpack.decode(signed_request.body, type=SupportBatch)
        except msgspec.DecodeError as exc:
            raise BadPayload(f"not a batch of supports: {exc}") from exc
        rows = [msgspec.structs.asdict(s) for s in batch.supports]
        await database.write_async(lambda db: store.add_supports(db, signed_request.kiosk, rows))
        acks = SupportAcks(stored=[s.id for s in batch.supports])
        return signed(keys, signed_request, _encoder.encode(acks))

    @get("/shared", responses=documented_errors(400, 401, 403))
    async def shared(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
    ) -> Response[bytes]:
        """Open complaints filed through the other kiosks of this kiosk's sub-office."""
        signed_request = await verify_request(request, database)
        since = iso(utc_now() - datetime.timedelta(days=SHARED_DAYS))
        rows = await database.read_async(
            lambda db: store.shared_complaints(db, signed_request.kiosk, since)
        )
        shared = SharedComplaints(
            complaints=[
                msgspec.convert({**row, "fields": json.loads(row["fields"])}, SharedComplaint)
                for row in rows
            ]
        )
        return signed(keys, signed_request, _encoder.encode(shared))

    @get(
        "/bundle",
        responses={
            204: ResponseSpec(None, description="Already current"),
            **documented_errors(400, 401, 403),
        },
    )
    async def bundle(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        have: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """The current signed content bundle; 204 when the kiosk already has it."""
        signed_request: SignedRequest = await verify_request(request, database)
        latest = await database.read_async(store.latest_bundle)
        if latest is None or latest["version"] == have:
            return signed(keys, signed_request, b"", status=204)
        return signed(
            keys, signed_request, latest["data"], media_type="application/vnd.ventanilla.bundle"
        )


class MetricsController(Controller):
    path = "/metrics"
    tags = ["operations"]

    @get(media_type="text/plain; version=0.0.4", sync_to_thread=True)
    def metrics(
        self, database: NamedDependency[Database], metrics: NamedDependency[Metrics]
    ) -> str:
        """Prometheus metrics: submissions and sync age per kiosk, chain problems, refusals."""
        samples = metrics.responses()
        reports = database.read(kiosk_reports)
        samples.append(("ventanilla_kiosks", {}, len(reports)))
        for report in reports:
            kiosk = {"kiosk": report.prefix}
            samples += [
                ("ventanilla_kiosk_submissions_total", kiosk, report.received),
                (
                    "ventanilla_kiosk_last_sync_age_seconds",
                    kiosk,
                    seconds_since(report.last_sync_at),
                ),
                ("ventanilla_kiosk_chain_problems", kiosk, len(report.problems)),
            ]
        samples += [
            ("ventanilla_submissions_total", {}, database.read(store.count_submissions)),
            ("ventanilla_refused_requests_total", {}, database.read(store.count_auth_events)),
            ("ventanilla_db_commits_total", {}, database.commits),
            ("ventanilla_db_writes_total", {}, database.tasks),
        ]
        return render(samples)


class TrackingController(Controller):
    """The public tracking page a receipt's QR code leads to, and its JSON."""

    tags = ["tracking"]

    @get("/api/v1/track/{tracking_code:str}", responses=documented_errors(400, 404))
    async def track_json(
        self,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        tracking_code: FromPath[str],
        s: FromQuery[str | None] = None,
        lang: FromQuery[Literal["es", "qu", "en"]] = "es",
    ) -> TrackView:
        """Status and public history of a submission; 404 for unknown codes and forged tokens."""
        return await database.read_async(
            lambda db: track(db, current_catalog(db, keys), tracking_code, s, lang)
        )

    @get("/t/{tracking_code:str}", include_in_schema=False)
    async def track_page(
        self,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        tracking_code: FromPath[str],
        s: FromQuery[str | None] = None,
        lang: FromQuery[str] = "es",
    ) -> Template:
        """The page itself: mobile first, in Spanish, Quechua or English."""
        lang = lang if lang in ("es", "qu", "en") else "es"
        query = {"s": s} if s else {}
        try:
            view = await database.read_async(
                lambda db: track(db, current_catalog(db, keys), tracking_code, s, lang)
            )
        except NotFound:
            # The same page whatever was wrong: it must not echo what was asked.
            return page("not_found.html", lang, {}, status_code=404)
        return page("track.html", lang, query, view=view)


class Open311Controller(Controller):
    """Open311 GeoReport v2, in JSON and XML (its own contract, so not in OpenAPI)."""

    path = "/open311/v2"
    include_in_schema = False

    @get("/{resource:str}")
    async def collection(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        settings: NamedDependency[Settings],
        resource: FromPath[str],
        lang: FromQuery[str] = "es",
    ) -> Response[bytes]:
        """discovery, services and requests (with the standard filters)."""
        name, fmt = open311.split_format(resource)
        if name == "discovery":
            return open311_response(fmt, "discovery", open311.discovery(settings.public_url))
        if name == "services":
            catalog = await database.read_async(lambda db: current_catalog(db, keys))
            return open311_response(fmt, "services", open311.services(catalog, _lang(lang)))
        if name == "requests":
            query = dict(request.query_params)
            found = await database.read_async(
                lambda db: open311.find_requests(
                    db, current_catalog(db, keys), query, _lang(lang), fmt
                )
            )
            return open311_response(fmt, "service_requests", found)
        raise open311.Open311Error(404, f"no resource {name!r}", fmt)

    @post("/{resource:str}", status_code=201)
    async def create(
        self,
        request: Request,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        resource: FromPath[str],
    ) -> Response[bytes]:
        """POST requests.json|xml with an api_key: a complaint accepted by central itself."""
        name, fmt = open311.split_format(resource)
        if name != "requests":
            raise open311.Open311Error(404, f"cannot post to {name!r}", fmt)
        form = dict(await request.form())
        form = {k: v for k, v in form.items() if isinstance(v, str)}
        created = await database.write_async(
            lambda db: open311.create_request(db, keys, current_catalog(db, keys), form, fmt)
        )
        return open311_response(fmt, "service_requests", created, status=201)

    @get("/services/{name:str}")
    async def service(
        self,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        name: FromPath[str],
        lang: FromQuery[str] = "es",
    ) -> Response[bytes]:
        code, fmt = open311.split_format(name)
        catalog = await database.read_async(lambda db: current_catalog(db, keys))
        definition = open311.service_definition(catalog, code, _lang(lang), fmt)
        return open311_response(fmt, "service_definition", definition)

    @get("/requests/{name:str}")
    async def request_by_id(
        self,
        database: NamedDependency[Database],
        keys: NamedDependency[Keys],
        name: FromPath[str],
        lang: FromQuery[str] = "es",
    ) -> Response[bytes]:
        request_id, fmt = open311.split_format(name)
        found = await database.read_async(
            lambda db: open311.one_request(
                db, current_catalog(db, keys), request_id, _lang(lang), fmt
            )
        )
        return open311_response(fmt, "service_requests", found)

    @get("/tokens/{name:str}")
    async def token(
        self, database: NamedDependency[Database], name: FromPath[str]
    ) -> Response[bytes]:
        token, fmt = open311.split_format(name)
        found = await database.read_async(lambda db: open311.token_lookup(db, token, fmt))
        return open311_response(fmt, "service_requests", found)


def _lang(lang: str) -> str:
    return lang if lang in ("es", "qu", "en") else "es"


def open311_response(fmt: str, root: str, value: Any, status: int = 200) -> Response[bytes]:
    if fmt == "xml":
        return Response(open311.to_xml(root, value), status_code=status, media_type="text/xml")
    return Response(_json_encoder.encode(value), status_code=status, media_type="application/json")


def open311_error(_: Request, exc: open311.Open311Error) -> Response[bytes]:
    """Open311's error shape: a list of {code, description}, in the requested format."""
    errors = [{"code": exc.status, "description": exc.description}]
    return open311_response(exc.fmt, "errors", errors, status=exc.status)


class OpenDataController(Controller):
    path = "/opendata"
    tags = ["open data"]

    @get("/summary.json", sync_to_thread=True)
    def summary_json(self, database: NamedDependency[Database]) -> list[OpenDataRow]:
        """Counts by kind, category, sub-office, month and status; median days to close."""
        return [msgspec.convert(row, OpenDataRow) for row in database.read(opendata.summary)]

    @get("/summary.csv", media_type="text/csv; charset=utf-8", sync_to_thread=True)
    def summary_csv(self, database: NamedDependency[Database]) -> Response[str]:
        """The same as CSV (counts under 5 written "<5")."""
        text = opendata.as_csv(database.read(opendata.summary))
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ventanilla-summary.csv"'},
        )
