"""The accept path: check a submission against the catalogue, store it durably, answer.

Plain functions; the HTTP handlers in `controllers.py` only call them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from content.check import Checked, InvalidSubmission, check_submission
from content.schema import Catalog
from kiosk import store
from kiosk.errors import IdempotencyConflict, NotFound
from kiosk.settings import DEFAULT_OFFICE, DEFAULT_PREFIX, Settings
from printers import queue as print_queue
from printers.queue import PrintWorker
from sync import codes, sealing, signing
from sync.messages import (
    Accepted,
    SubmissionIn,
    SubmissionSummary,
)
from sync.records import next_record
from sync.status import STATUS_LABELS
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext

log = logging.getLogger(__name__)

MAX_IDEMPOTENCY_KEY = 200


@dataclass(frozen=True)
class Identity:
    """Who this kiosk is (tracking prefix, office, device key) and the central it pinned."""

    prefix: str
    office: str
    private_key: bytes
    central_url: str
    # Pinned at enrollment; None while the kiosk is not enrolled.
    central_key: bytes | None = None
    sealing_key: bytes | None = None

    @property
    def public_key(self) -> bytes:
        return signing.public_key(self.private_key)

    @property
    def enrolled(self) -> bool:
        return self.central_key is not None


class ConfigurationError(Exception):
    """The settings contradict what this data directory already is."""


def load_identity(db: sqlite_utils.Database, settings: Settings) -> Identity:
    """This kiosk's identity, set up on first start (a writer task)."""
    stored = store.settings(db)
    prefix = stored.get("prefix")
    if prefix and settings.prefix and settings.prefix != prefix:
        raise ConfigurationError(
            f"this kiosk issues {prefix}- codes; its prefix cannot become {settings.prefix}"
        )
    new = {}
    if not prefix:
        new["prefix"] = prefix = settings.prefix or DEFAULT_PREFIX
    if settings.office and settings.office != stored.get("office"):
        new["office"] = settings.office
    if "device_key" not in stored:
        new["device_key"] = signing.new_private_key().hex()
    if new:
        store.set_settings(db, new)
    stored |= new
    return identity_from(stored, settings)


def identity_from(stored: dict[str, str], settings: Settings) -> Identity:
    """The identity the kiosk settings table describes."""
    central_key = stored.get("central_key")
    sealing_key = stored.get("sealing_key")
    return Identity(
        prefix=stored["prefix"],
        office=stored.get("office", DEFAULT_OFFICE),
        private_key=bytes.fromhex(stored["device_key"]),
        central_url=stored.get("central_url", settings.central_url).rstrip("/"),
        central_key=bytes.fromhex(central_key) if central_key else None,
        sealing_key=bytes.fromhex(sealing_key) if sealing_key else None,
    )


def request_hash(payload: SubmissionIn) -> str:
    """A digest of what was asked, to tell a retry from a reuse of its Idempotency-Key."""
    return hashlib.sha256(msgspec.msgpack.encode(payload)).hexdigest()


def accept_task(
    identity: Identity,
    checked: Checked,
    idempotency_key: str | None,
    digest: str,
    print_receipt: bool,
):
    """The writer task that stores `checked` (and its receipt's print job); returns (row, replayed)."""

    def task(db: sqlite_utils.Database) -> tuple[dict[str, Any], bool]:
        if idempotency_key is not None:
            existing = store.submission_by_idempotency_key(db, idempotency_key)
            if existing is not None:
                if existing["request_hash"] != digest:
                    raise IdempotencyConflict(idempotency_key)
                return existing, True
        record, personal = next_record(
            identity.private_key,
            identity.prefix,
            checked,
            store.chain_tip(db),
            lambda code: store.code_in_use(db, code),
        )
        sealed = None
        if personal is not None and identity.sealing_key is not None:
            sealed = sealing.seal(identity.sealing_key, personal, record.id.encode())
        row = {
            "id": record.id,
            "seq": record.seq,
            "tracking_code": record.tracking_code,
            "kind": checked.kind,
            "code": checked.code,
            "unit": checked.unit,
            "lang": checked.lang,
            "submitted_at": record.submitted_at,
            "status": "recibido",
            "fields": json.dumps(record.fields, ensure_ascii=False),
            "token": record.token,
            "hash": record.hash,
            "idempotency_key": idempotency_key,
            "request_hash": digest,
        }
        store.insert_submission(db, row)
        store.insert_outbox(
            db,
            {
                "seq": record.seq,
                "submission_id": record.id,
                "record": msgspec.msgpack.encode(record),
                "personal": None if sealed else personal,
                "sealed": sealed,
                "created_at": record.submitted_at,
            },
        )
        if print_receipt:
            print_queue.enqueue(db, row["id"])
        return row, False

    return task


async def accept(
    database: Database,
    identity: Identity,
    catalog: Catalog,
    payload: SubmissionIn,
    idempotency_key: str | None,
    printer: PrintWorker | None = None,
) -> tuple[Accepted, bool]:
    """Check and store a submission; return once it is durable (and whether it was a retry).

    With a `printer`, its receipt is queued in the same transaction and printed
    after the answer: a printer fault never delays or loses a submission.
    """
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        message = gettext(
            payload.lang, N_("La cabecera Idempotency-Key debe tener de 1 a 200 caracteres.")
        )
        raise InvalidSubmission(message, {"Idempotency-Key": message})
    checked = check_submission(catalog, payload)
    task = accept_task(
        identity, checked, idempotency_key, request_hash(payload), printer is not None
    )
    row, replayed = await database.write_async(task)
    if printer is not None and not replayed:
        printer.wake()
    # No tracking code (it opens the case's page) and nothing the citizen typed.
    log.info(
        "%s %s #%d",
        "replayed" if replayed else "accepted",
        identity.prefix,
        row["seq"],
        extra={
            "event": "submission_accepted",
            "prefix": identity.prefix,
            "seq": row["seq"],
            "kind": row["kind"],
            "catalog_code": row["code"],
            "replayed": replayed,
        },
    )
    return accepted(row, identity), replayed


def track_url(identity: Identity, row: dict[str, Any]) -> str:
    return f"{identity.central_url}/t/{row['tracking_code']}?s={row['token']}"


def accepted(row: dict[str, Any], identity: Identity) -> Accepted:
    return Accepted(
        id=row["id"],
        tracking_code=row["tracking_code"],
        submitted_at=datetime.datetime.fromisoformat(row["submitted_at"]),
        status=row["status"],
        track_url=track_url(identity, row),
    )


def lookup(db: sqlite_utils.Database, typed_code: str, lang: str = "es") -> dict[str, Any]:
    """The submission a typed tracking code names; `NotFound` for unknown or mistyped codes."""
    not_found = NotFound(gettext(lang, N_("No encontramos ese código de seguimiento.")))
    try:
        code = codes.parse_code(typed_code)
    except codes.InvalidCode:
        raise not_found from None
    row = store.submission_by_code(db, code)
    if row is None:
        raise not_found
    return row


def find_submission(
    db: sqlite_utils.Database, catalog: Catalog, identity: Identity, typed_code: str, lang: str
) -> SubmissionSummary:
    """What a tracking code shows, with no personal data; `NotFound` otherwise."""
    row = lookup(db, typed_code, lang)
    if row["kind"] == "application":
        procedure = catalog.procedure(row["code"])
        title = procedure.title.get(lang) if procedure else row["code"]
    else:
        category = catalog.complaint(row["code"])
        title = category.title.get(lang) if category else row["code"]
    return SubmissionSummary(
        tracking_code=row["tracking_code"],
        kind=row["kind"],
        code=row["code"],
        title=title,
        office=identity.office,
        submitted_at=datetime.datetime.fromisoformat(row["submitted_at"]),
        status=row["status"],
        status_label=gettext(lang, STATUS_LABELS[row["status"]]),
    )
