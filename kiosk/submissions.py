"""The accept path: check a submission against the catalogue, store it durably, answer.

Plain functions; the HTTP handlers in `controllers.py` only call them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlite_utils

from content.forms import Invalid, clean_ci, clean_email, clean_fields, clean_phone
from content.localize import complaint_form
from content.schema import Catalog
from kiosk import store
from kiosk.errors import IdempotencyConflict, InvalidSubmission, NotFound
from kiosk.settings import DEFAULT_OFFICE, DEFAULT_PREFIX, Settings
from printers import queue as print_queue
from printers.queue import PrintWorker
from sync import chain, codes, sealing, signing, tokens
from sync.ids import uuid7
from sync.messages import (
    Accepted,
    Applicant,
    ApplicationIn,
    PersonalData,
    SubmissionIn,
    SubmissionRecord,
    SubmissionSummary,
)
from sync.status import STATUS_LABELS
from ventanilla.clock import iso
from ventanilla.database import Database
from ventanilla.i18n import N_, gettext

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


@dataclass(frozen=True)
class Checked:
    """A submission that fits its form, with its values normalised."""

    kind: str
    code: str
    unit: str
    lang: str
    fields: dict[str, Any]
    applicant: dict[str, str] | None


def check_submission(catalog: Catalog, payload: SubmissionIn) -> Checked:
    """Check `payload` against the catalogue; `InvalidSubmission` lists every problem."""
    lang = payload.lang
    errors: dict[str, str] = {}
    if isinstance(payload, ApplicationIn):
        procedure = catalog.procedure(payload.procedure)
        if procedure is None:
            message = gettext(lang, N_("No existe el trámite «{code}»."), code=payload.procedure)
            raise InvalidSubmission(message, {"procedure": message})
        kind, form, code, unit = "application", procedure.form, procedure.code, procedure.unit
        if payload.applicant is None:
            errors["applicant"] = gettext(
                lang, N_("Una solicitud necesita el nombre de quien la presenta.")
            )
    else:
        category = catalog.complaint(payload.category)
        if category is None:
            message = gettext(
                lang, N_("No existe la categoría de reclamo «{code}»."), code=payload.category
            )
            raise InvalidSubmission(message, {"category": message})
        kind, form, code, unit = "complaint", complaint_form(category), category.code, category.unit
    fields, field_errors = clean_fields(list(form), payload.fields, lang)
    errors |= field_errors
    applicant = None
    if payload.applicant is not None:
        applicant, applicant_errors = clean_applicant(payload.applicant, lang)
        errors |= applicant_errors
    if errors:
        raise InvalidSubmission(gettext(lang, N_("Revise los datos marcados.")), errors)
    return Checked(kind=kind, code=code, unit=unit, lang=lang, fields=fields, applicant=applicant)


def clean_applicant(applicant: Applicant, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    name = " ".join(applicant.name.split())
    if not name:
        errors["applicant.name"] = gettext(lang, N_("Este dato es obligatorio."))
    cleaned["name"] = name
    checks = {"ci": clean_ci, "phone": clean_phone, "email": clean_email}
    for key, clean in checks.items():
        value = getattr(applicant, key)
        if value is None or not value.strip():
            continue
        try:
            cleaned[key] = clean(value)
        except Invalid as exc:
            errors[f"applicant.{key}"] = gettext(lang, exc.message, **exc.values)
    return cleaned, errors


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
        now = datetime.datetime.now(datetime.UTC)
        submitted_at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        code = codes.new_code(identity.prefix)
        while store.submission_by_code(db, code) is not None:  # 1 in 2^40: draw again
            code = codes.new_code(identity.prefix)
        last_seq, last_hash = store.chain_tip(db)
        record, personal = build_record(
            identity, checked, code, submitted_at, last_seq + 1, last_hash or chain.GENESIS
        )
        sealed = None
        if personal is not None and identity.sealing_key is not None:
            sealed = sealing.seal(identity.sealing_key, personal, record.id.encode())
        row = {
            "id": record.id,
            "seq": record.seq,
            "tracking_code": code,
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


def build_record(
    identity: Identity,
    checked: Checked,
    code: str,
    submitted_at: datetime.datetime,
    seq: int,
    prev_hash: str,
) -> tuple[SubmissionRecord, bytes | None]:
    """The chained record central will receive, and the personal bytes to seal."""
    # An application's answers may say who the applicant is (an address, a
    # property): they are sealed with the applicant. A complaint's description
    # and location stay readable, so the kiosk can suggest similar open ones.
    if checked.kind == "application":
        public_fields: dict[str, Any] = {}
        personal = PersonalData(applicant=checked.applicant, fields=checked.fields)
    else:
        public_fields = checked.fields
        personal = PersonalData(applicant=checked.applicant) if checked.applicant else None
    personal_bytes = chain.personal_bytes(personal) if personal is not None else None
    record = SubmissionRecord(
        id=str(uuid7(int(submitted_at.timestamp() * 1000))),
        seq=seq,
        prev_hash=prev_hash,
        tracking_code=code,
        kind=checked.kind,  # type: ignore[arg-type]
        code=checked.code,
        unit=checked.unit,
        lang=checked.lang,  # type: ignore[arg-type]
        submitted_at=iso(submitted_at),
        token=tokens.make_token(identity.private_key, code, submitted_at, checked.code),
        fields=public_fields,
        personal_digest=chain.digest(personal_bytes) if personal_bytes is not None else None,
    )
    record = msgspec.structs.replace(record, hash=chain.record_hash(record))
    return record, personal_bytes


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
