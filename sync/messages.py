"""Wire types: every message that crosses HTTP, defined once.

Schema evolution rules (msgspec's): a new field always gets a default, no field
is renamed or retyped, and unknown fields are ignored, so an older kiosk can
read what a newer central sends and the other way round.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Lang = Literal["es", "qu", "en"]
Kind = Literal["application", "complaint"]
Status = Literal[
    "recibido", "en_revision", "observado", "aprobado", "rechazado", "resuelto", "cerrado"
]
FieldValue = str | int | float | bool | None
Fields = Annotated[dict[Annotated[str, Meta(max_length=40)], FieldValue], Meta(max_length=60)]


class Applicant(msgspec.Struct, kw_only=True):
    """Who applies or complains. Sealed at rest on the kiosk; never shown publicly."""

    name: Annotated[str, Meta(min_length=1, max_length=120)]
    ci: Annotated[str, Meta(max_length=30)] | None = None
    phone: Annotated[str, Meta(max_length=30)] | None = None
    email: Annotated[str, Meta(max_length=254)] | None = None


class ApplicationIn(msgspec.Struct, kw_only=True, tag="application", tag_field="kind"):
    """An application for a procedure (trámite), as a kiosk screen or desk sends it."""

    procedure: Annotated[str, Meta(max_length=24)]
    fields: Fields = {}
    applicant: Applicant | None = None
    lang: Lang = "es"


class ComplaintIn(msgspec.Struct, kw_only=True, tag="complaint", tag_field="kind"):
    """A reclamo, queja, denuncia or sugerencia; `applicant` null keeps it anonymous."""

    category: Annotated[str, Meta(max_length=40)]
    fields: Fields = {}
    applicant: Applicant | None = None
    lang: Lang = "es"


SubmissionIn = ApplicationIn | ComplaintIn


class Accepted(msgspec.Struct, kw_only=True):
    """The answer to an accepted submission: durable by the time it is sent."""

    id: str
    tracking_code: str
    submitted_at: datetime.datetime
    status: Status
    track_url: str


class SubmissionSummary(msgspec.Struct, kw_only=True):
    """What anyone holding a tracking code may see: no personal data."""

    tracking_code: str
    kind: Kind
    code: str
    title: str
    office: str
    submitted_at: datetime.datetime
    status: Status
    status_label: str


# The catalogue as a screen sees it: one language, Spanish where untranslated.


class ChoiceOut(msgspec.Struct, kw_only=True):
    value: str
    label: str


class FieldOut(msgspec.Struct, kw_only=True):
    name: str
    type: str
    label: str
    required: bool
    help: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    choices: list[ChoiceOut] | None = None


class ProcedureSummary(msgspec.Struct, kw_only=True):
    code: str
    category: str
    title: str
    summary: str
    fee_bs: float | None


class ProcedureOut(msgspec.Struct, kw_only=True):
    code: str
    category: str
    category_title: str
    title: str
    summary: str
    requirements: list[str]
    steps: list[str]
    fee_bs: float | None
    fee_note: str | None
    unit: str
    unit_name: str
    where: str | None
    form: list[FieldOut]
    source: str
    verified_on: datetime.date
    lang: Lang


class ComplaintCategoryOut(msgspec.Struct, kw_only=True):
    code: str
    kind: str
    unit: str
    unit_name: str
    title: str
    summary: str
    form: list[FieldOut]
    lang: Lang


# The kiosk's receipt printer, as the desk sees it.


class PrintJobOut(msgspec.Struct, kw_only=True):
    job_id: int
    reason: Literal["receipt", "reprint"]
    state: Literal["pending", "printing", "printed", "uncertain", "expired"]


class PrinterState(msgspec.Struct, kw_only=True):
    configured: bool
    uri: str | None
    paper: int
    profile: str
    status: Literal["ok", "offline", "no_paper", "unreachable", "unknown", "none"]
    jobs: dict[str, int]
    last_error: str | None


# Kiosk <-> central sync (msgpack on the wire, zstd for push batches) ------------


class EnrollRequest(msgspec.Struct, kw_only=True):
    """A kiosk asking to join, with a one-time code and proof it holds its key."""

    code: Annotated[str, Meta(max_length=64)]
    prefix: Annotated[str, Meta(max_length=3)]
    public_key: Annotated[str, Meta(max_length=64)]  # Ed25519, base64url
    proof: Annotated[str, Meta(max_length=128)]  # signature of the code and the key
    issued: int = 0  # tracking codes already issued under `prefix`


class EnrollResponse(msgspec.Struct, kw_only=True):
    """What the kiosk pins: central's address and keys, and who the kiosk is."""

    prefix: str
    name: str
    central_url: str
    signing_key: str  # Ed25519, base64url: central's signatures (answers, bundles)
    sealing_key: str  # X25519, base64url: personal data is sealed to it


class PersonalData(msgspec.Struct, kw_only=True):
    """What the kiosk seals: who applied and, for applications, the form's answers."""

    applicant: dict[str, str] | None = None
    fields: dict[str, FieldValue] = {}


class SubmissionRecord(msgspec.Struct, kw_only=True):
    """One submission as a kiosk pushes it, chained to the one before by hash.

    `hash` covers every field but itself and `sealed` (sealing may happen after
    acceptance, when a kiosk is enrolled later); `personal_digest` is the
    SHA-256 of the sealed plaintext, so the chain still covers personal data.
    """

    id: str
    seq: int
    prev_hash: str
    tracking_code: str
    kind: Kind
    code: str
    unit: str
    lang: Lang
    submitted_at: str
    token: str
    fields: dict[str, FieldValue] = {}
    personal_digest: str | None = None
    hash: str = ""
    sealed: bytes | None = None


class PushBatch(msgspec.Struct, kw_only=True):
    records: list[SubmissionRecord]


class Ack(msgspec.Struct, kw_only=True):
    id: str
    seq: int
    result: Literal["stored", "duplicate", "rejected"]
    error: str | None = None


class PushResult(msgspec.Struct, kw_only=True):
    acks: list[Ack]


class StatusChange(msgspec.Struct, kw_only=True):
    cursor: int
    tracking_code: str
    status: Status
    public_note: str | None = None
    changed_at: str


class StatusChanges(msgspec.Struct, kw_only=True):
    changes: list[StatusChange]
    cursor: int


class SyncStatus(msgspec.Struct, kw_only=True):
    """The kiosk's view of its link to central (GET /api/v1/sync/status)."""

    enrolled: bool
    last_sync_at: str | None
    pending: int
    link: Literal["up", "down", "unknown"]
    last_error: str | None


# Errors, the same shape on every API -----------------------------------------


class FieldError(msgspec.Struct, kw_only=True):
    field: str
    message: str


class ErrorBody(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Every error answer: a status, what is wrong, and per field when it is the input."""

    status_code: int
    detail: str
    errors: list[FieldError] | None = None


# The public tracking page's data (central) -------------------------------------


class TrackEvent(msgspec.Struct, kw_only=True):
    status: Status
    status_label: str
    public_note: str | None = None
    changed_at: str


class CaseOpened(msgspec.Struct, kw_only=True):
    """A time central staff opened a submission's personal data: the unit and the
    role that did, never the person's name."""

    at: str
    role: str
    role_label: str
    unit: str | None = None
    unit_name: str | None = None


class TrackView(msgspec.Struct, kw_only=True):
    """What anyone holding a receipt sees: never personal data.

    `state` is "synced" when central holds the submission, "pending" when only
    the receipt's signed token vouches for it (the kiosk has not synced yet).
    """

    tracking_code: str
    state: Literal["synced", "pending"]
    kind: Kind
    code: str
    title: str
    office: str
    submitted_at: str
    status: Status
    status_label: str
    history: list[TrackEvent] = []
    supports: int = 0  # neighbours who said "same problem" instead of filing it again
    # Every view of the citizen's personal data is visible to the citizen.
    opened_by: list[CaseOpened] = []


class OpenDataRow(msgspec.Struct, kw_only=True):
    """One group of the open-data summary; counts under 5 are null (suppressed)."""

    kind: Kind
    category: str
    office: str
    month: str
    status: Status
    count: int | None
    median_days_to_close: float | None


# Backing an open complaint instead of filing it again ---------------------------


class Support(msgspec.Struct, kw_only=True):
    """One citizen backing an open complaint at a kiosk ("¿Es el mismo problema?")."""

    id: str
    tracking_code: str
    at: str


class SupportBatch(msgspec.Struct, kw_only=True):
    supports: list[Support]


class SupportAcks(msgspec.Struct, kw_only=True):
    stored: list[str]


class SharedComplaint(msgspec.Struct, kw_only=True):
    """An open complaint filed elsewhere for the same sub-office: public fields only."""

    tracking_code: str
    code: str
    submitted_at: str
    status: Status
    fields: dict[str, FieldValue] = {}
    supports: int = 0


class SharedComplaints(msgspec.Struct, kw_only=True):
    complaints: list[SharedComplaint]
