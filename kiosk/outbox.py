"""The outbox worker: a thread in the kiosk process that syncs with central.

Each round it seals what still waits in clear, pushes the outbox in batches,
pulls status changes and the current content bundle. While central cannot be
reached it backs off exponentially with full jitter, capped (30 s by default)
so a returning link is used within half a minute. Everything it does is
idempotent: a round cut at any byte is simply done again.

The batch size adapts to the link: it doubles after a quick round trip and
halves after a slow or failed one, so a satellite link with cuts still makes
progress with small batches while fibre moves hundreds at a time.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx
import msgspec
import zstandard
from litestar.datastructures import State

from content.bundle import BundleError, open_bundle
from kiosk import content, store
from kiosk.settings import Settings
from kiosk.submissions import Identity, identity_from
from sync import sealing, signing
from sync.messages import (
    PushBatch,
    PushResult,
    SharedComplaints,
    StatusChanges,
    SubmissionRecord,
    Support,
    SupportAcks,
    SupportBatch,
)
from ventanilla.clock import now_iso
from ventanilla.worker import Worker

log = logging.getLogger(__name__)
# httpx logs every request at INFO: a line every few seconds per kiosk says nothing.
logging.getLogger("httpx").setLevel(logging.WARNING)

MIN_BATCH, FIRST_BATCH, MAX_BATCH = 1, 50, 1000
# A round trip under FAST_ROUND earns a bigger batch; one over SLOW_ROUND a smaller one.
FAST_ROUND, SLOW_ROUND = 4.0, 15.0  # seconds
NOT_ENROLLED_POLL = 5.0
_record_decoder = msgspec.msgpack.Decoder(SubmissionRecord)
_encoder = msgspec.msgpack.Encoder()


class SyncError(Exception):
    """Central could not be reached, refused us, or answered something we cannot trust."""


class SyncWorker(Worker):
    """Keeps the kiosk in step with central; its `link` and `last_error` feed /api/v1/sync/status."""

    name = "sync-worker"

    def __init__(self, state: State, settings: Settings):
        super().__init__()
        self.error_delay = settings.sync_max_backoff
        self.state = state
        self.settings = settings
        self.database = state.database
        self.link = "unknown"
        self.last_error: str | None = None
        self.content_error: str | None = None
        self.batch_size = FIRST_BATCH
        self.failures = 0
        self._client: httpx.Client | None = None
        self._catalog_asked: str | None = state.bundle_version

    def stop(self, timeout: float = 60.0) -> None:
        super().stop(timeout)
        if self._client is not None:
            self._client.close()

    def wake(self) -> None:
        """Something new to send: go now, unless the link is down (then backoff rules)
        or there is nobody to send it to yet (the enrollment poll picks it up)."""
        if self.failures == 0 and self.state.identity.enrolled:
            super().wake()

    def run_once(self) -> float:
        try:
            identity = self.refresh()
            if not identity.enrolled:
                return NOT_ENROLLED_POLL
            self.sync_once(identity)
        except (httpx.HTTPError, SyncError) as exc:
            self.failures += 1
            self.link = "down"
            self.last_error = f"{type(exc).__name__}: {exc}"
            delay = self.backoff()
            log.warning("sync failed (%s); next try in %.1f s", self.last_error, delay)
            return delay
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            raise
        self.failures = 0
        self.link = "up"
        return self.settings.sync_interval

    def backoff(self) -> float:
        """Full jitter: uniform in [0, min(cap, 1 s * 2^failures)]."""
        ceiling = min(self.settings.sync_max_backoff, 2.0 ** min(self.failures, 16))
        return random.uniform(0, ceiling)

    # One round -------------------------------------------------------------

    def refresh(self) -> Identity:
        """Pick up an enrollment or a content rollback made by the CLI meanwhile."""
        stored = self.database.read(store.settings)
        identity = identity_from(stored, self.settings)
        if identity != self.state.identity:
            self.state.identity = identity
        active = stored.get("active_bundle") or None
        # Compared with what was last asked for, not what loaded: an unusable bundle
        # is reported once, not reloaded every round.
        if active != self._catalog_asked:
            self.load_catalog(stored, identity)
        return identity

    def load_catalog(self, stored: dict[str, str], identity: Identity) -> None:
        self._catalog_asked = stored.get("active_bundle") or None
        catalog, version = content.active_catalog(
            self.settings.data_dir, stored, identity.central_key, self.settings.catalog_dir
        )
        self.database.write(lambda db: store.index_catalog(db, catalog))
        self.state.catalog = catalog
        self.state.bundle_version = version
        log.info("serving catalogue %s", version or "shipped with the kiosk")

    def sync_once(self, identity: Identity) -> None:
        started = time.monotonic()
        self.seal_waiting(identity)
        client = self.client(identity)
        pushed, sent_bytes = self.push(client, identity)
        self.push_supports(client, identity)
        changes = self.pull_status(client, identity)
        self.pull_shared(client, identity)
        self.pull_bundle(client, identity)
        self.database.write(lambda db: store.set_settings(db, {"last_sync_at": now_iso()}))
        self.last_error = self.content_error
        seconds = time.monotonic() - started
        # A round with nothing to move says so only at DEBUG: there is one every few seconds.
        log.log(
            logging.INFO if pushed or changes else logging.DEBUG,
            "sync round: pushed %d submission(s) in %d bytes, %d status change(s), %.2f s",
            pushed,
            sent_bytes,
            changes,
            seconds,
            extra={
                "event": "sync_round",
                "pushed": pushed,
                "bytes": sent_bytes,
                "status_changes": changes,
                "seconds": round(seconds, 3),
                "batch_size": self.batch_size,
            },
        )

    def client(self, identity: Identity) -> httpx.Client:
        url = self.database.read(store.settings).get("sync_url", identity.central_url)
        if self._client is None or str(self._client.base_url).rstrip("/") != url.rstrip("/"):
            if self._client is not None:
                self._client.close()
            self._client = httpx.Client(
                base_url=url, timeout=httpx.Timeout(30.0, connect=5.0), trust_env=False
            )
        return self._client

    def seal_waiting(self, identity: Identity) -> None:
        """Seal personal data accepted before enrollment, then wipe it from the disk."""
        rows = self.database.read(store.outbox_unsealed)
        if not rows:
            return
        assert identity.sealing_key is not None

        def seal_all(db: Any) -> None:
            for row in rows:
                sealed = sealing.seal(
                    identity.sealing_key, row["personal"], row["submission_id"].encode()
                )
                store.seal_outbox_row(db, row["seq"], sealed)

        self.database.write(seal_all)
        self.database.checkpoint()
        log.info("sealed the personal data of %d submission(s)", len(rows))

    def push(self, client: httpx.Client, identity: Identity) -> tuple[int, int]:
        """Send the outbox in batches; (submissions acknowledged, bytes sent)."""
        sent_any = False
        pushed = sent_bytes = 0
        while not self.stopping:
            rows = self.database.read(lambda db: store.outbox_ready(db, self.batch_size))
            if not rows:
                break
            records = [
                msgspec.structs.replace(_record_decoder.decode(r["record"]), sealed=r["sealed"])
                for r in rows
            ]
            body = zstandard.ZstdCompressor(level=6).compress(
                _encoder.encode(PushBatch(records=records))
            )
            started = time.monotonic()
            try:
                response = self.request(client, identity, "POST", "/api/v1/sync/push", body)
            except (httpx.HTTPError, SyncError):
                self.batch_size = max(MIN_BATCH, self.batch_size // 2)
                raise
            sent_bytes += len(body)
            elapsed = time.monotonic() - started
            result = msgspec.msgpack.decode(response.content, type=PushResult)
            sent = {r["seq"]: r["submission_id"] for r in rows}
            done = [
                a.seq
                for a in result.acks
                if a.result in ("stored", "duplicate") and sent.get(a.seq) == a.id
            ]
            rejected = [a for a in result.acks if a.result == "rejected"]
            for ack in rejected:
                log.error("central rejected #%s: %s", ack.seq, ack.error)
            if done:
                self.database.write(lambda db, done=done: store.delete_outbox(db, done))
                sent_any = True
                pushed += len(done)
            if not done:
                detail = rejected[0].error if rejected else "no acknowledgement"
                raise SyncError(f"central took none of a batch of {len(rows)}: {detail}")
            self.adapt(elapsed, len(rows))
        if sent_any:
            # Acknowledged personal data was deleted with its rows: take it off the disk too.
            self.database.checkpoint()
        return pushed, sent_bytes

    def adapt(self, elapsed: float, size: int) -> None:
        if elapsed < FAST_ROUND and size >= self.batch_size:
            self.batch_size = min(MAX_BATCH, self.batch_size * 2)
        elif elapsed > SLOW_ROUND:
            self.batch_size = max(MIN_BATCH, self.batch_size // 2)

    def pull_status(self, client: httpx.Client, identity: Identity) -> int:
        """Apply central's status changes since the cursor; how many there were."""
        applied = 0
        while True:
            cursor = int(self.database.read(store.settings).get("status_cursor", "0"))
            response = self.request(
                client, identity, "GET", f"/api/v1/sync/status-changes?since={cursor}"
            )
            batch = msgspec.msgpack.decode(response.content, type=StatusChanges)
            if not batch.changes:
                return applied
            applied += len(batch.changes)

            def apply(db: Any, batch: StatusChanges = batch) -> None:
                for change in batch.changes:
                    store.apply_status(
                        db,
                        change.tracking_code,
                        change.status,
                        change.public_note,
                        change.changed_at,
                    )
                store.set_settings(db, {"status_cursor": str(batch.cursor)})

            self.database.write(apply)

    def push_supports(self, client: httpx.Client, identity: Identity) -> None:
        """Citizens' backing of open complaints; after the submissions they refer to."""
        while rows := self.database.read(store.supports_to_send):
            body = _encoder.encode(
                SupportBatch(supports=[msgspec.convert(r, Support) for r in rows])
            )
            response = self.request(client, identity, "POST", "/api/v1/sync/supports", body)
            stored = msgspec.msgpack.decode(response.content, type=SupportAcks).stored
            if not stored:
                raise SyncError("central acknowledged none of the supports sent")
            self.database.write(lambda db, stored=stored: store.supports_sent(db, stored))

    def pull_shared(self, client: httpx.Client, identity: Identity) -> None:
        """Open complaints of this sub-office filed at its other kiosks, to suggest here."""
        response = self.request(client, identity, "GET", "/api/v1/sync/shared")
        shared = msgspec.msgpack.decode(response.content, type=SharedComplaints)
        rows = [msgspec.structs.asdict(c) for c in shared.complaints]
        self.database.write(lambda db: store.replace_shared_complaints(db, rows))

    def pull_bundle(self, client: httpx.Client, identity: Identity) -> None:
        stored = self.database.read(store.settings)
        have = stored.get("rolled_back_from") or stored.get("active_bundle") or "none"
        response = self.request(client, identity, "GET", f"/api/v1/sync/bundle?have={have}")
        if response.status_code == 204:
            self.content_error = None
            return
        assert identity.central_key is not None
        try:
            bundle = open_bundle(response.content, identity.central_key)
        except BundleError as exc:
            # Keep serving what we have; say so where the desk and the logs look.
            log.error("refused a content bundle from central: %s", exc)
            self.content_error = f"refused content bundle: {exc}"
            return
        self.content_error = None
        content.save_bundle(self.settings.data_dir, bundle.version, response.content)
        self.database.write(lambda db: content.activate(db, bundle.version))
        self.load_catalog(self.database.read(store.settings), identity)
        log.info("activated content bundle %s", bundle.version)

    def request(
        self, client: httpx.Client, identity: Identity, method: str, target: str, body: bytes = b""
    ) -> httpx.Response:
        """A signed request whose answer must carry the pinned central's signature."""
        headers = signing.sign_request(identity.private_key, identity.prefix, method, target, body)
        headers["Content-Type"] = "application/vnd.ventanilla.batch+zstd"
        response = client.request(method, target, content=body, headers=headers)
        if response.status_code >= 400:
            # Error answers are not trusted, only reported: all they cause is a retry.
            raise SyncError(f"central answered {response.status_code}: {response.text[:200]}")
        if not signing.check_response(
            identity.central_key,  # type: ignore[arg-type]
            headers[signing.HEADER_NONCE],
            response.status_code,
            response.content,
            response.headers.get(signing.HEADER_SIGNATURE),
        ):
            raise SyncError(f"an answer ({response.status_code}) not signed by the pinned central")
        return response

    def status(self) -> dict[str, Any]:
        stored = self.database.read(store.settings)
        return {
            "enrolled": "central_key" in stored,
            "last_sync_at": stored.get("last_sync_at"),
            "pending": self.database.read(store.outbox_count),
            "link": self.link,
            "last_error": self.last_error,
        }
