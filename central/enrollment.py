"""Enrolling a kiosk: a one-time code made by an administrator, redeemed by the kiosk."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

import sqlite_utils

from central import audit, store
from central.errors import EnrollmentRefused
from central.setup import Keys
from sync import signing
from sync.codes import ALPHABET, PREFIX_RE
from sync.messages import EnrollRequest, EnrollResponse

VALID_FOR = datetime.timedelta(hours=24)


def _hash(code: str) -> str:
    compact = (
        re.sub(r"[\s\-]", "", code).upper().replace("O", "0").replace("I", "1").replace("L", "1")
    )
    return hashlib.sha256(compact.encode()).hexdigest()


def new_enrollment_code(
    db: sqlite_utils.Database, name: str, prefix: str, actor: str = "cli"
) -> tuple[str, datetime.datetime]:
    """A fresh one-time code for the kiosk `prefix` (80 random bits), and when it expires."""
    if not PREFIX_RE.match(prefix):
        raise EnrollmentRefused(f"the prefix must be three letters A-Z, not {prefix!r}")
    if store.kiosk(db, prefix) is not None:
        raise EnrollmentRefused(f"a kiosk with prefix {prefix} is already enrolled")
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    created = datetime.datetime.now(datetime.UTC)
    expires = created + VALID_FOR
    store.add_enrollment_code(
        db,
        {
            "code_hash": _hash(code),
            "name": name,
            "prefix": prefix,
            "created_at": created.isoformat(),
            "expires_at": expires.isoformat(),
        },
    )
    audit.record(db, actor, "enrollment.code", prefix, name=name, expires_at=expires.isoformat())
    return code, expires


def enroll(
    db: sqlite_utils.Database, request: EnrollRequest, keys: Keys, central_url: str
) -> EnrollResponse:
    """Register a kiosk's public key against a one-time code (a writer task)."""
    row = store.enrollment_code(db, _hash(request.code))
    if row is None:
        raise EnrollmentRefused("unknown enrollment code")
    if row["used_at"] is not None:
        raise EnrollmentRefused("this enrollment code has already been used")
    if datetime.datetime.fromisoformat(row["expires_at"]) < datetime.datetime.now(datetime.UTC):
        raise EnrollmentRefused("this enrollment code has expired; ask for a new one")
    if request.issued and request.prefix != row["prefix"]:
        raise EnrollmentRefused(
            f"this kiosk already issued {request.prefix}- codes, and the enrollment code is for "
            f"{row['prefix']}; ask for a code with prefix {request.prefix}"
        )
    try:
        public_key = signing.b64decode(request.public_key)
        proof = signing.b64decode(request.proof)
    except ValueError:
        raise EnrollmentRefused("malformed key or proof") from None
    if len(public_key) != 32 or not signing.verify(
        public_key, signing.enrollment_message(request.code, request.public_key), proof
    ):
        raise EnrollmentRefused("the kiosk did not prove it holds its key")
    if store.kiosk(db, row["prefix"]) is not None:
        raise EnrollmentRefused(f"a kiosk with prefix {row['prefix']} is already enrolled")
    store.use_enrollment_code(db, row["code_hash"])
    store.add_kiosk(db, row["prefix"], row["name"], request.public_key)
    audit.record(db, f"kiosk:{row['prefix']}", "kiosk.enroll", row["prefix"], name=row["name"])
    return EnrollResponse(
        prefix=row["prefix"],
        name=row["name"],
        central_url=central_url,
        signing_key=signing.b64encode(keys.signing_public),
        sealing_key=signing.b64encode(keys.sealing_public),
    )
