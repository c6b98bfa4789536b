"""Receiving a kiosk's batch: idempotent by submission id, chain verified, every item acked.

Nothing a kiosk sends is dropped for a broken chain: a citizen's submission is
stored whatever its neighbours look like, and the break is recorded, so that
`ventanilla central kiosks` can show it ("missing 118–120 from TUN").
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import sqlite_utils
import zstandard

from central import store, webhooks
from central.errors import BadPayload
from sync import chain, sealing
from sync.messages import Ack, PushBatch, PushResult, SubmissionRecord

MAX_BATCH_BYTES = 64 * 1024 * 1024  # decompressed: a zstd bomb stops here
_batch_decoder = msgspec.msgpack.Decoder(PushBatch)


def decode_batch(body: bytes) -> PushBatch:
    """A push body (zstd-compressed msgpack) as a batch, or `BadPayload`."""
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(body)
        raw = reader.read(MAX_BATCH_BYTES + 1)
    except zstandard.ZstdError as exc:
        raise BadPayload(f"the body is not zstd: {exc}") from exc
    if len(raw) > MAX_BATCH_BYTES:
        raise BadPayload("the batch is larger than 64 MiB once decompressed")
    try:
        return _batch_decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise BadPayload(f"the batch does not fit the wire format: {exc}") from exc


def ingest(
    db: sqlite_utils.Database, kiosk: str, batch: PushBatch, sealing_key: bytes
) -> PushResult:
    """Store every new record of `batch` from `kiosk`; ack each (a writer task)."""
    acks = [_ingest_one(db, kiosk, record, sealing_key) for record in batch.records]
    store.touch_kiosk(db, kiosk)
    return PushResult(acks=acks)


def _ingest_one(
    db: sqlite_utils.Database, kiosk: str, record: SubmissionRecord, sealing_key: bytes
) -> Ack:
    def ack(result: str, error: str | None = None) -> Ack:
        return Ack(id=record.id, seq=record.seq, result=result, error=error)  # type: ignore[arg-type]

    if store.submission(db, record.id) is not None:
        return ack("duplicate")
    if not record.tracking_code.startswith(f"{kiosk}-"):
        return ack("rejected", f"tracking code {record.tracking_code} is not from {kiosk}")
    if record.seq < 1:
        return ack("rejected", "sequence numbers start at 1")
    if store.submission_at(db, kiosk, record.seq) is not None:
        return ack("rejected", f"{kiosk} #{record.seq} is already another submission")
    if record.personal_digest is not None and record.sealed is None:
        # The kiosk keeps it and seals it first: nothing personal travels in clear.
        return ack("rejected", "personal data must arrive sealed")

    problems = []
    if chain.record_hash(record) != record.hash:
        problems.append("its hash does not match its content")
    if record.sealed is not None:
        try:
            plain = sealing.unseal(sealing_key, record.sealed, record.id.encode())
        except sealing.SealError:
            problems.append("its sealed data does not open with central's key")
        else:
            if chain.digest(plain) != record.personal_digest:
                problems.append("its sealed data does not match its digest")
    problems += _link_problems(db, kiosk, record)

    store.insert_record(db, kiosk, record, "; ".join(problems) or None)
    webhooks.notify(db, "submission.created", {**_public(record), "kiosk": kiosk})
    return ack("stored")


def _public(record: SubmissionRecord) -> dict[str, str]:
    return {
        "tracking_code": record.tracking_code,
        "kind": record.kind,
        "code": record.code,
        "unit": record.unit,
        "status": "recibido",
    }


def _link_problems(db: sqlite_utils.Database, kiosk: str, record: SubmissionRecord) -> list[str]:
    """Check the links to both neighbours; flag the later one if a link is broken."""
    problems = []
    if record.seq == 1:
        if record.prev_hash != chain.GENESIS:
            problems.append("the first submission does not start the chain")
    else:
        before = store.submission_at(db, kiosk, record.seq - 1)
        if before is not None and before["hash"] != record.prev_hash:
            problems.append(f"it does not follow #{record.seq - 1}")
    after = store.submission_at(db, kiosk, record.seq + 1)
    if after is not None and after["prev_hash"] != record.hash:
        store.flag_chain(db, after["id"], f"it does not follow #{record.seq}")
    return problems


@dataclass(frozen=True)
class KioskReport:
    prefix: str
    name: str
    last_seq: int
    received: int
    last_sync_at: str | None
    problems: list[str]


def kiosk_reports(db: sqlite_utils.Database) -> list[KioskReport]:
    """Per kiosk: what arrived, and every hole or broken link in its chain."""
    reports = []
    for kiosk in store.kiosks(db):
        prefix = kiosk["prefix"]
        seqs = store.kiosk_sequence(db, prefix)
        problems = [
            f"missing {_span(first, last)} from {prefix}" for first, last in missing_ranges(seqs)
        ]
        problems += [
            f"broken link at #{seq} from {prefix}: {error}"
            for seq, error in store.chain_errors(db, prefix)
        ]
        reports.append(
            KioskReport(
                prefix=prefix,
                name=kiosk["name"],
                last_seq=seqs[-1] if seqs else 0,
                received=len(seqs),
                last_sync_at=kiosk["last_sync_at"],
                problems=problems,
            )
        )
    return reports


def missing_ranges(seqs: list[int]) -> list[tuple[int, int]]:
    """The holes in a sorted sequence that should run 1, 2, 3, ... up to its last number."""
    missing, expected = [], 1
    for seq in seqs:
        if seq > expected:
            missing.append((expected, seq - 1))
        expected = seq + 1
    return missing


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
