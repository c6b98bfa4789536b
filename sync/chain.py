"""The hash chain over a kiosk's submissions, and the digest of sealed personal data.

Each record carries the hash of the one before it (seq - 1), so central can
prove that the sequence it received from a kiosk has no hole and no edit.
"""

from __future__ import annotations

import hashlib

import msgspec

from sync.messages import PersonalData, SubmissionRecord

GENESIS = "0" * 64
_encoder = msgspec.msgpack.Encoder()


def record_hash(record: SubmissionRecord) -> str:
    """SHA-256 of the record without its own hash and sealed box."""
    unhashed = msgspec.structs.replace(record, hash="", sealed=None)
    return hashlib.sha256(_encoder.encode(unhashed)).hexdigest()


def personal_bytes(personal: PersonalData) -> bytes:
    """The exact bytes that get sealed (and digested)."""
    return _encoder.encode(personal)


def read_personal(data: bytes) -> PersonalData:
    """The personal data in unsealed bytes (the inverse of `personal_bytes`)."""
    return msgspec.msgpack.decode(data, type=PersonalData)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
