"""Building the chained record a channel keeps and central receives."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Protocol

import msgspec

from sync import chain, codes, tokens
from sync.ids import uuid7
from sync.messages import PersonalData, SubmissionRecord
from ventanilla.clock import iso, utc_now


class Checked(Protocol):
    """A submission that fits its form (content.check.Checked), as a record needs it."""

    kind: str
    code: str
    unit: str
    lang: str
    fields: dict[str, Any]
    applicant: dict[str, str] | None


def next_record(
    private_key: bytes,
    prefix: str,
    checked: Checked,
    tip: tuple[int, str | None],
    code_in_use: Callable[[str], bool],
) -> tuple[SubmissionRecord, bytes | None]:
    """A channel's next record: a fresh code, now, chained after `tip` (its last seq and hash).

    Run in the channel's writer, so nothing comes between reading the tip and
    storing the record.
    """
    code = codes.new_code(prefix)
    while code_in_use(code):  # 1 in 2^40: draw again
        code = codes.new_code(prefix)
    moment = utc_now()
    last_seq, last_hash = tip
    return build_record(
        private_key,
        tracking_code=code,
        # Milliseconds: what is stored and sent, so the hash covers exactly that.
        submitted_at=moment.replace(microsecond=moment.microsecond // 1000 * 1000),
        seq=last_seq + 1,
        prev_hash=last_hash or chain.GENESIS,
        kind=checked.kind,
        code=checked.code,
        unit=checked.unit,
        lang=checked.lang,
        fields=checked.fields,
        applicant=checked.applicant,
    )


def build_record(
    private_key: bytes,
    *,
    tracking_code: str,
    submitted_at: datetime.datetime,
    seq: int,
    prev_hash: str,
    kind: str,
    code: str,
    unit: str,
    lang: str,
    fields: dict[str, Any],
    applicant: dict[str, str] | None,
) -> tuple[SubmissionRecord, bytes | None]:
    """The record (hashed, token signed with `private_key`) and the personal bytes to seal."""
    # An application's answers may say who the applicant is (an address, a
    # property): they are sealed with the applicant. A complaint's description
    # and location stay readable, so a kiosk can suggest similar open ones.
    if kind == "application":
        public_fields: dict[str, Any] = {}
        personal = PersonalData(applicant=applicant, fields=fields)
    else:
        public_fields = fields
        personal = PersonalData(applicant=applicant) if applicant else None
    personal_bytes = chain.personal_bytes(personal) if personal is not None else None
    record = SubmissionRecord(
        id=str(uuid7(int(submitted_at.timestamp() * 1000))),
        seq=seq,
        prev_hash=prev_hash,
        tracking_code=tracking_code,
        kind=kind,  # type: ignore[arg-type]
        code=code,
        unit=unit,
        lang=lang,  # type: ignore[arg-type]
        submitted_at=iso(submitted_at),
        token=tokens.make_token(private_key, tracking_code, submitted_at, code),
        fields=public_fields,
        personal_digest=chain.digest(personal_bytes) if personal_bytes is not None else None,
    )
    return msgspec.structs.replace(record, hash=chain.record_hash(record)), personal_bytes
